using Entropy.MLNet.Theory;

namespace Entropy.MLNet.Tests.Theory;

[TestClass]
public sealed class MeanFieldTheoryTests
{
    private static readonly MeanFieldTheory Tanh = MeanFieldTheory.Tanh;
    private static readonly double[] ExpectedTableSigmas = [0.5, 1.0, 3.0];

    [TestMethod]
    [DataRow(0.05, 1.760955)]
    [DataRow(0.1, 1.986073)]
    [DataRow(0.3, 2.505127)]
    [DataRow(2e-5, 1.049912)]
    [DataRow(0.01, 1.424205)]
    public void CriticalSigmaW2_Tanh_MatchesReference(double sigmaB2, double expected)
    {
        Assert.AreEqual(expected, Tanh.CriticalSigmaW2(sigmaB2), 1e-5);
    }

    [TestMethod]
    public void CriticalSigmaW2_LargeBias_ConvergesWithNodeCount()
    {
        // σ_b² = 1 (q* ≈ 3): the reference's 3.443274 matches a 120-node rule; the converged value is 3.44321.
        double converged = new MeanFieldTheory(MeanFieldActivation.Tanh, 300).CriticalSigmaW2(1.0);
        Assert.AreEqual(3.44321, converged, 1e-5);
        Assert.AreEqual(converged, Tanh.CriticalSigmaW2(1.0), 1e-6);
        Assert.AreEqual(3.443274, Tanh.CriticalSigmaW2(1.0), 1e-4);
    }

    [TestMethod]
    public void CriticalSigmaW2_HundredNodeRule_MatchesReferenceAtSmallBias()
    {
        var hundred = new MeanFieldTheory(MeanFieldActivation.Tanh, 100);
        Assert.AreEqual(1.760955, hundred.CriticalSigmaW2(0.05), 1e-5);
        Assert.AreEqual(2.505127, hundred.CriticalSigmaW2(0.3), 1e-5);
    }

    [TestMethod]
    public void CriticalSigmaW2_TanhWithoutBias_IsExactlyOne()
    {
        Assert.AreEqual(1.0, Tanh.CriticalSigmaW2(0.0), 1e-10);
    }

    [TestMethod]
    public void CriticalSigmaW2_ReluWithoutBias_IsTwo()
    {
        var relu = new MeanFieldTheory(MeanFieldActivation.Relu);
        Assert.AreEqual(2.0, relu.CriticalSigmaW2(0.0), 1e-10);
        Assert.AreEqual(0.5 * 1.3, relu.Chi1(1.3, 0.0), 1e-14);
    }

    [TestMethod]
    public void CriticalSigmaW2_AtTheResult_Chi1IsOne()
    {
        double critical = Tanh.CriticalSigmaW2(0.05);
        Assert.AreEqual(1.0, Tanh.Chi1(critical, 0.05), 1e-10);
        Assert.AreEqual(MeanFieldPhase.Critical, Tanh.Evaluate(critical, 0.05).Phase);
        Assert.IsTrue(double.IsPositiveInfinity(Tanh.Evaluate(critical, 0.05).XiC));
        // q* at the critical point (reference table).
        Assert.AreEqual(0.570048, Tanh.FixedPointQ(critical, 0.05), 1e-5);
    }

    [TestMethod]
    public void Evaluate_OrderedReferencePoint_MatchesReference()
    {
        var point = Tanh.Evaluate(1.0, 0.05);
        Assert.AreEqual(0.193593, point.QStar, 1e-6);
        Assert.AreEqual(0.759032, point.Chi1, 1e-6);
        Assert.AreEqual(1.0, point.CStar);
        Assert.AreEqual(point.Chi1, point.ChiC);
        Assert.AreEqual(3.627, point.XiC, 1e-3);
        Assert.AreEqual(21.76, point.SixXiC, 1e-2);
        Assert.AreEqual(1.748, point.XiQ, 1e-3);
        Assert.AreEqual(MeanFieldPhase.Ordered, point.Phase);
    }

    [TestMethod]
    public void Evaluate_ChaoticReferencePoint_MatchesReference()
    {
        var point = Tanh.Evaluate(3.0, 0.05);
        Assert.AreEqual(1.428008, point.QStar, 1e-6);
        Assert.AreEqual(1.208934, point.Chi1, 1e-6);
        Assert.AreEqual(0.299318, point.CStar, 1e-6);
        Assert.AreEqual(0.895405, point.ChiC, 1e-6);
        Assert.AreEqual(9.051, point.XiC, 1e-3);
        Assert.AreEqual(1.041, point.XiQ, 1e-3);
        Assert.AreEqual(MeanFieldPhase.Chaotic, point.Phase);
    }

    [TestMethod]
    public void Evaluate_FourPointZero_MatchesReference()
    {
        var point = Tanh.Evaluate(4.0, 0.05);
        Assert.AreEqual(0.16506, point.CStar, 1e-5);
        Assert.AreEqual(6.980, point.XiC, 1e-3);
        Assert.AreEqual(0.873, point.XiQ, 1e-3);
    }

    [TestMethod]
    [DataRow(0.5, 0.08758, 0.43199, 1.0, 1.191, 5e-4, 1.009)]
    [DataRow(1.5, 0.41804, 0.93864, 1.0, 15.791, 5e-4, 1.683)]
    [DataRow(1.9, 0.65711, 1.02845, 0.83820, 39.35, 5e-3, 1.441)]
    [DataRow(2.0, 0.72176, 1.04767, 0.74408, 25.21, 5e-3, 1.388)]
    [DataRow(2.5, 1.06396, 1.13352, 0.44680, 11.80, 5e-3, 1.180)]
    [DataRow(3.5, 1.80651, 1.27798, 0.21631, 7.768, 5e-4, 0.945)]
    public void Evaluate_Sigma005Table_MatchesReferenceRows(double sigmaW2, double q, double chi1, double c, double xiC, double xiCTolerance, double xiQ)
    {
        // Tolerances are half a unit in the last digit the reference table prints.
        var point = Tanh.Evaluate(sigmaW2, 0.05);
        Assert.AreEqual(q, point.QStar, 1e-5);
        Assert.AreEqual(chi1, point.Chi1, 1e-5);
        Assert.AreEqual(c, point.CStar, 1e-5);
        Assert.AreEqual(xiC, point.XiC, xiCTolerance);
        Assert.AreEqual(xiQ, point.XiQ, 1e-3);
    }

    [TestMethod]
    [DataRow(5.0, 2.99614, 1.46087, 0.10747, 0.84683, 6.015)]
    [DataRow(6.0, 3.81857, 1.56868, 0.07724, 0.83162, 5.423)]
    public void Evaluate_StrongChaos_HundredNodeRuleMatchesReferenceRows(double sigmaW2, double q, double chi1, double c, double chiC, double xiC)
    {
        // The reference rows were computed with 100 nodes; at q* ≈ 3–4 that rule is still 4e-4 off in χ_1.
        var hundred = new MeanFieldTheory(MeanFieldActivation.Tanh, 100).Evaluate(sigmaW2, 0.05);
        Assert.AreEqual(q, hundred.QStar, 1e-5);
        Assert.AreEqual(chi1, hundred.Chi1, 1e-5);
        Assert.AreEqual(c, hundred.CStar, 1e-5);
        Assert.AreEqual(chiC, hundred.ChiC, 1e-5);
        Assert.AreEqual(xiC, hundred.XiC, 1e-3);

        // The default rule is close to converged: a 400-node rule agrees to a few 1e-6, and both stay within 5e-4 of the reference.
        var point = Tanh.Evaluate(sigmaW2, 0.05);
        var fine = new MeanFieldTheory(MeanFieldActivation.Tanh, 400).Evaluate(sigmaW2, 0.05);
        Assert.AreEqual(fine.Chi1, point.Chi1, 3e-6);
        Assert.AreEqual(fine.CStar, point.CStar, 3e-6);
        Assert.AreEqual(fine.XiC, point.XiC, 1e-4);
        Assert.AreEqual(chi1, point.Chi1, 5e-4);
        Assert.AreEqual(xiC, point.XiC, 2e-3);
    }

    [TestMethod]
    [DataRow(0.5, 1.443, 5e-4)]
    [DataRow(0.9, 9.455, 5e-4)]
    [DataRow(1.0, 158.7, 5e-2)]
    [DataRow(1.2, 208.9, 5e-2)]
    [DataRow(1.5, 52.16, 5e-3)]
    [DataRow(2.0, 21.71, 5e-3)]
    [DataRow(3.0, 10.93, 5e-3)]
    [DataRow(4.0, 7.98, 5e-3)]
    public void Evaluate_CnnBias_XiCMatchesReference(double sigmaW2, double xiC, double tolerance)
    {
        Assert.AreEqual(xiC, Tanh.Evaluate(sigmaW2, 2e-5).XiC, tolerance);
    }

    [TestMethod]
    public void Evaluate_CnnBiasDeepChaos_CStarNearlyZero()
    {
        Assert.AreEqual(0.0037, Tanh.Evaluate(1.5, 2e-5).CStar, 1e-4);
    }

    [TestMethod]
    public void Evaluate_NoBiasOrdered_SignalDiesAndXiCIsMinusOneOverLogSigmaW2()
    {
        var point = Tanh.Evaluate(0.8, 0.0);
        Assert.AreEqual(0.0, point.QStar);
        Assert.AreEqual(0.8, point.Chi1, 1e-14);
        Assert.AreEqual(-1.0 / Math.Log(0.8), point.XiC, 1e-12);
        Assert.AreEqual(-1.0 / Math.Log(0.8), point.XiQ, 1e-12);
    }

    [TestMethod]
    public void Evaluate_NoBiasAtOne_IsCriticalWithInfiniteXiC()
    {
        var point = Tanh.Evaluate(1.0, 0.0);
        Assert.AreEqual(0.0, point.QStar);
        Assert.AreEqual(MeanFieldPhase.Critical, point.Phase);
        Assert.IsTrue(double.IsPositiveInfinity(point.XiC));
        Assert.IsTrue(double.IsPositiveInfinity(point.SixXiC));
    }

    [TestMethod]
    public void Evaluate_NoBiasChaotic_OddActivationHasCStarZero()
    {
        // Without bias the correlation map of an odd φ is odd in c, so its stable fixed point is c* = 0.
        var point = Tanh.Evaluate(2.0, 0.0);
        Assert.AreEqual(MeanFieldPhase.Chaotic, point.Phase);
        Assert.AreEqual(0.0, point.CStar, 1e-12);
    }

    [TestMethod]
    public void FixedPointQ_SlowConvergence_IsAFixedPointOfTheVarianceMap()
    {
        foreach (var (w, b) in new[] { (1.0, 1e-5), (1.01, 1e-7), (0.999, 1e-6), (1.2, 0.0) })
        {
            double q = Tanh.FixedPointQ(w, b);
            Assert.IsTrue(q > 0, $"q* > 0 at ({w}, {b})");
            Assert.AreEqual(q, Tanh.VarianceMap(q, w, b), 1e-13 * Math.Max(q, 1e-3), $"map(q*) = q* at ({w}, {b})");
        }
    }

    [TestMethod]
    public void CorrelationMap_AtOne_IsOne()
    {
        double q = Tanh.FixedPointQ(3.5, 0.05);
        Assert.AreEqual(1.0, Tanh.CorrelationMap(1.0, q, 3.5, 0.05), 1e-14);
    }

    [TestMethod]
    public void XiC_Sigma005_RisesThroughOrderedAndFallsThroughChaotic()
    {
        double previous = 0;
        for (double w = 0.1; w < 1.76; w += 0.05)
        {
            double xi = Tanh.Evaluate(w, 0.05).XiC;
            Assert.IsTrue(xi > previous, $"xi_c increases at {w}");
            previous = xi;
        }
        previous = double.PositiveInfinity;
        for (double w = 1.77; w <= 6.0; w += 0.25)
        {
            double xi = Tanh.Evaluate(w, 0.05).XiC;
            Assert.IsTrue(xi < previous, $"xi_c decreases at {w}");
            previous = xi;
        }
    }

    [TestMethod]
    public void XiQ_Sigma005_StaysOrderOne()
    {
        for (double w = 0.5; w <= 4.0; w += 0.25)
        {
            double xiQ = Tanh.Evaluate(w, 0.05).XiQ;
            Assert.IsTrue(xiQ is > 0.8 and < 1.85, $"xi_q = {xiQ} at {w}");
        }
    }

    [TestMethod]
    public void XiQ_SteinFormWithoutSecondDerivative_EqualsSecondDerivativeForm()
    {
        var tanhWithoutSecond = new MeanFieldTheory(new MeanFieldActivation("tanh-stein", Math.Tanh, x => 1.0 / Math.Pow(Math.Cosh(x), 2)));
        foreach (double w in new[] { 0.7, 1.5, 3.0 })
        {
            Assert.AreEqual(Tanh.Evaluate(w, 0.05).XiQ, tanhWithoutSecond.Evaluate(w, 0.05).XiQ, 1e-8);
        }
    }

    [TestMethod]
    public void TrainableBand_Depth100_MatchesReference()
    {
        var band = Tanh.TrainableBand(100, 0.05);
        Assert.AreEqual(1.512, band.Lower, 2e-3);
        Assert.AreEqual(2.183, band.Upper, 2e-3);
        Assert.IsTrue(band.Contains(band.CriticalSigmaW2));
        Assert.AreEqual(100.0, Tanh.Evaluate(band.Lower, 0.05).SixXiC, 1e-3);
        Assert.AreEqual(100.0, Tanh.Evaluate(band.Upper, 0.05).SixXiC, 1e-3);
    }

    [TestMethod]
    [DataRow(50, 1.321, 3.244)]
    [DataRow(400, 1.693, 1.838)]
    public void TrainableBand_OtherDepths_MatchReference(int depth, double lower, double upper)
    {
        var band = Tanh.TrainableBand(depth, 0.05);
        Assert.AreEqual(lower, band.Lower, 2e-3);
        Assert.AreEqual(upper, band.Upper, 2e-3);
    }

    [TestMethod]
    public void TrainableBand_Depth20_IsUnboundedWithinTheSearchLimitOf6()
    {
        var band = Tanh.TrainableBand(20, 0.05, maxSigmaW2: 6.0);
        Assert.AreEqual(0.964, band.Lower, 2e-3);
        Assert.IsTrue(double.IsPositiveInfinity(band.Upper));
    }

    [TestMethod]
    public void Table_Range_EvaluatesEveryPointInOrder()
    {
        var table = Tanh.Table([0.5, 1.0, 3.0], 0.05);
        Assert.AreEqual(3, table.Count);
        CollectionAssert.AreEqual(ExpectedTableSigmas, table.Select(r => r.SigmaW2).ToArray());
        Assert.AreEqual(Tanh.Evaluate(3.0, 0.05), table[2]);
    }

    [TestMethod]
    public void Evaluate_BadArguments_ThrowNamingTheArgument()
    {
        Assert.AreEqual("sigmaW2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tanh.Evaluate(0.0, 0.05)).ParamName);
        Assert.AreEqual("sigmaW2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tanh.Evaluate(double.NaN, 0.05)).ParamName);
        Assert.AreEqual("sigmaB2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tanh.Evaluate(1.0, -0.1)).ParamName);
        Assert.AreEqual("sigmaB2", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tanh.CriticalSigmaW2(double.PositiveInfinity)).ParamName);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Tanh.TrainableBand(0, 0.05));
    }

    [TestMethod]
    public void Evaluate_ReluChaoticWithBias_DivergesWithoutNaN()
    {
        var relu = new MeanFieldTheory(MeanFieldActivation.Relu);
        var ordered = relu.Evaluate(1.5, 0.05);
        Assert.AreEqual(0.05 / (1 - 0.75), ordered.QStar, 1e-12); // q* = σ_b²/(1 − σ_w²/2)
        Assert.AreEqual(0.75, ordered.Chi1, 1e-14);
        var chaotic = relu.Evaluate(2.5, 0.05);
        Assert.IsTrue(double.IsPositiveInfinity(chaotic.QStar));
        Assert.AreEqual(MeanFieldPhase.Chaotic, chaotic.Phase);
        Assert.IsFalse(double.IsNaN(chaotic.XiC) || double.IsNaN(chaotic.XiQ) || double.IsNaN(chaotic.CStar));
    }

    [TestMethod]
    public void Evaluate_HardTanhChaotic_FindsAStableCStarBelowOne()
    {
        // Hard tanh's kinks make the quadrature unreliable right next to c = 1; c* must still be the true crossing.
        var theory = new MeanFieldTheory(MeanFieldActivation.HardTanh);
        var point = theory.Evaluate(3.0, 0.05);
        Assert.AreEqual(MeanFieldPhase.Chaotic, point.Phase);
        Assert.IsTrue(point.CStar is > 0 and < 0.5, $"c* = {point.CStar}");
        double q = theory.FixedPointQ(3.0, 0.05);
        Assert.AreEqual(point.CStar, theory.CorrelationMap(point.CStar, q, 3.0, 0.05), 1e-12);
        Assert.IsTrue(point.ChiC < 1 && double.IsFinite(point.XiC));
    }

    [TestMethod]
    public void Evaluate_HardTanh_MatchesClosedFormVarianceMapAndChi1()
    {
        // E[hardtanh²(√q z)] = q(2Φ(a) − 1 − 2aϕ(a)) + 2Φ(−a) and E[φ′²] = 2Φ(a) − 1 with a = 1/√q.
        var theory = new MeanFieldTheory(MeanFieldActivation.HardTanh);
        foreach (double w in new[] { 1.0, 4.0, 10.0 })
        {
            var point = theory.Evaluate(w, 0.05);
            double q = point.QStar;
            double a = 1 / Math.Sqrt(q);
            double inside = 2 * SpecialFunctions.NormalCdf(a) - 1;
            Assert.AreEqual(q, w * (q * (inside - 2 * a * SpecialFunctions.NormalPdf(a)) + 2 * SpecialFunctions.NormalCdf(-a)) + 0.05, 1e-12);
            Assert.AreEqual(w * inside, point.Chi1, 1e-12);
        }
    }

    [TestMethod]
    public void CorrelationMap_Relu_MatchesTheArcCosineKernel()
    {
        // For ReLU without bias: c_map(c) = (√(1−c²) + (π − arccos c)·c)/π.
        var relu = new MeanFieldTheory(MeanFieldActivation.Relu);
        foreach (double c in new[] { -0.9, 0.0, 0.5, 0.99 })
        {
            double exact = (Math.Sqrt(1 - c * c) + (Math.PI - Math.Acos(c)) * c) / Math.PI;
            Assert.AreEqual(exact, relu.CorrelationMap(c, 1.3, 2.0, 0.0), 1e-13);
        }
    }

    [TestMethod]
    public void XiQ_EveryBuiltIn_IsTheSlopeOfTheVarianceMapAtQStar()
    {
        foreach (var activation in MeanFieldActivation.BuiltIn.Where(a => a.Name != "linear"))
        {
            var theory = new MeanFieldTheory(activation);
            var point = theory.Evaluate(1.2, 0.1);
            double q = point.QStar;
            double h = 1e-5 * q;
            double slope = (theory.VarianceMap(q + h, 1.2, 0.1) - theory.VarianceMap(q - h, 1.2, 0.1)) / (2 * h);
            Assert.AreEqual(slope, Math.Exp(-1 / point.XiQ), 1e-7, activation.Name);
        }
    }

    [TestMethod]
    public void Evaluate_Linear_HasClosedForm()
    {
        var linear = new MeanFieldTheory(MeanFieldActivation.Linear);
        var point = linear.Evaluate(0.5, 0.1);
        Assert.AreEqual(0.2, point.QStar, 1e-13);
        Assert.AreEqual(0.5, point.Chi1, 1e-14);
        Assert.AreEqual(-1 / Math.Log(0.5), point.XiC, 1e-12);
    }

    [TestMethod]
    public void Evaluate_ErfAndHardTanh_BehaveLikeTanhNearTheOrigin()
    {
        // All three have φ′(0) = 1 and are odd, so at σ_b² = 0 their critical point is σ_w² = 1.
        foreach (var activation in new[] { MeanFieldActivation.Erf, MeanFieldActivation.HardTanh })
        {
            var theory = new MeanFieldTheory(activation);
            Assert.AreEqual(1.0, theory.CriticalSigmaW2(0.0), 1e-9, activation.Name);
            double critical = theory.CriticalSigmaW2(0.05);
            Assert.IsTrue(critical is > 1.0 and < 2.5, $"{activation.Name}: {critical}");
        }
    }

    [TestMethod]
    public void ForActivation_UnknownName_ThrowsNamingIt()
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => MeanFieldTheory.ForActivation("sigmoid"));
        StringAssert.Contains(ex.Message, "sigmoid");
        StringAssert.Contains(ex.Message, "tanh");
        Assert.AreEqual("gelu", MeanFieldTheory.ForActivation("GELU").Activation.Name);
        Assert.AreEqual("hardtanh", MeanFieldTheory.ForActivation("hard-tanh").Activation.Name);
    }
}
