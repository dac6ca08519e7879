#pragma warning disable CA1861 // Expected values read best as inline arrays in tests.
using Entropy.MLNet.Data;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Entropy.MLNet.Tests.Data;

[TestClass]
public sealed class DatasetDataViewTests
{
    [TestMethod]
    public void Schema_LabelIsKeyPerClassAndFeaturesIsChwVector()
    {
        var data = WhiteNoise.Generate(new ImageShape(3, 4, 5), 6, 7, seed: 1);

        var view = data.ToDataView();

        var label = view.Schema[DatasetDataView.LabelColumn];
        var features = view.Schema[DatasetDataView.FeaturesColumn];
        Assert.IsInstanceOfType<KeyDataViewType>(label.Type);
        Assert.AreEqual(typeof(uint), label.Type.RawType);
        Assert.AreEqual(7UL, ((KeyDataViewType)label.Type).Count);
        var vector = (VectorDataViewType)features.Type;
        Assert.AreEqual(NumberDataViewType.Single, vector.ItemType);
        Assert.AreEqual(60, vector.Size);
        CollectionAssert.AreEqual(new[] { 3, 4, 5 }, vector.Dimensions.ToArray());
        Assert.AreEqual(6L, view.GetRowCount());
        VBuffer<ReadOnlyMemory<char>> names = default;
        label.GetKeyValues(ref names);
        CollectionAssert.AreEqual(data.ClassNames.ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    [TestMethod]
    public void Cursor_ReadsBackEveryLabelAndPixel()
    {
        var data = WhiteNoise.Generate(new ImageShape(1, 3, 3), 25, 4, seed: 2);
        var view = data.ToDataView();
        var label = view.Schema[DatasetDataView.LabelColumn];
        var features = view.Schema[DatasetDataView.FeaturesColumn];

        using var cursor = view.GetRowCursor([label, features]);
        var getLabel = cursor.GetGetter<uint>(label);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
        uint key = 0;
        VBuffer<float> pixels = default;
        int row = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref key);
            getFeatures(ref pixels);
            Assert.AreEqual((uint)data.Labels[row] + 1, key, "keys are 1-based");
            CollectionAssert.AreEqual(data.Image(row).ToArray(), pixels.DenseValues().ToArray());
            row++;
        }
        Assert.AreEqual(25, row);
    }

    [TestMethod]
    public void CreateEnumerable_ReadsRowsWithFixedSizeVectors()
    {
        var data = DatasetCatalog.LoadEmbeddedMnist("test").Take(20);
        var ml = new MLContext(seed: 1);

        var rows = ml.Data.CreateEnumerable<Row>(data.ToDataView(), reuseRowObject: false).ToList();

        Assert.AreEqual(20, rows.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.AreEqual((uint)data.Labels[i] + 1, rows[i].Label);
            CollectionAssert.AreEqual(data.Image(i).ToArray(), rows[i].Features);
        }
    }

    [TestMethod]
    public void MulticlassTrainer_TrainsOnTheViewDirectly()
    {
        var data = DatasetCatalog.LoadEmbeddedMnist("test");
        var ml = new MLContext(seed: 1);
        var view = data.ToDataView();

        var model = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options { MaximumNumberOfIterations = 20 })
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedName", "PredictedLabel"))
            .Fit(view);
        var scored = model.Transform(view);
        var metrics = ml.MulticlassClassification.Evaluate(scored);
        var names = scored.GetColumn<ReadOnlyMemory<char>>("PredictedName").Take(5).Select(n => n.ToString()).ToArray();

        Assert.IsGreaterThan(0.7, metrics.MicroAccuracy, $"accuracy {metrics.MicroAccuracy}");
        Assert.IsTrue(names.All(n => DatasetCatalog.DigitClasses.Contains(n)), string.Join(",", names));
    }

    [TestMethod]
    public void Getter_ColumnNotRequested_Throws()
    {
        var view = WhiteNoise.Generate(new ImageShape(1, 2, 2), 2, 2, seed: 0).ToDataView();
        using var cursor = view.GetRowCursor([view.Schema[DatasetDataView.LabelColumn]]);

        Assert.IsFalse(cursor.IsColumnActive(view.Schema[DatasetDataView.FeaturesColumn]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema[DatasetDataView.FeaturesColumn]));
    }

    private sealed class Row
    {
        public uint Label { get; set; }

        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }
}
