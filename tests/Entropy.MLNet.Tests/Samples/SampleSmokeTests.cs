using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Entropy.MLNet.MLNet;
using Entropy.MLNet.Samples.ImagePipeline;
using Entropy.MLNet.Samples.ModelBuilderStyle;
using Entropy.MLNet.Samples.ScoringService;
using Entropy.MLNet.Tests.MLNet;
using Microsoft.AspNetCore.Builder;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Entropy.MLNet.Tests.Samples;

/// <summary>Runs each sample's entry point in-process with tiny settings (CI smoke tests).</summary>
[TestClass]
public sealed class SampleSmokeTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ImagePipeline_ShippedImages_PrintsEntropyPerLayerAndWritesThePicture()
    {
        string dir = MLNetFixtures.TempDirectory("image-pipeline");
        var output = new StringWriter();

        int code = ImagePipelineSample.Run(["--out", dir, "--epochs", "2", "--depth", "4"], output);

        Assert.AreEqual(0, code, output.ToString());
        string text = output.ToString();
        Assert.Contains("20 images", text);
        Assert.Contains("layer   1:", text);
        Assert.Contains("layer   2:", text);
        string picture = Path.Combine(dir, "reconstructions.png");
        using (var image = MLImage.CreateFromFile(picture))
        {
            // The input and three reconstructions side by side.
            Assert.IsGreaterThan(3 * 28, image.Width);
            Assert.IsGreaterThanOrEqualTo(28, image.Height);
        }
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public void ModelBuilderStyle_SmallGrid_TrainsEvaluatesSavesReloadsAndScores()
    {
        string dir = MLNetFixtures.TempDirectory("model-builder");
        var output = new StringWriter();

        int code = ModelBuilderStyleSample.Run(["--out", dir, "--images", "160", "--probe-depth", "6", "--width", "24", "--labels", "mean-field"], output);

        Assert.AreEqual(0, code, output.ToString());
        string text = output.ToString();
        Assert.Contains("probe 7/7", text);
        Assert.Contains("Test set: accuracy", text);
        Assert.Contains("P(trainable) =", text);
        Assert.IsTrue(File.Exists(Path.Combine(dir, "model.zip")));
        Directory.Delete(dir, recursive: true);
    }

    [TestMethod]
    public async Task ScoringService_LoopbackPort_ScoresBatchesAndRejectsBadInput()
    {
        string dir = MLNetFixtures.TempDirectory("scoring");
        var ml = new MLContext(seed: 41);
        var sweep = ml.Trainability().Sweep(TrainabilitySweepTests.Options()).Fit(MLNetFixtures.Images(100).ToDataView());
        var data = ml.Data.LoadFromEnumerable(TrainabilityPredictorTests.Labelled());
        var model = ml.Trainability().Predictor(sweep).Fit(data);
        string path = Path.Combine(dir, "model.zip");
        TrainabilityModel.Save(ml, model, data.Schema, path);

        await using WebApplication app = ScoringApp.Build(path, port: 0);
        await app.StartAsync(TestContext.CancellationToken);
        var address = new Uri(app.Urls.Single());
        Assert.AreEqual("127.0.0.1", address.Host);
        // Requests announce their body (Expect: 100-continue), so that a body the service refuses by its length is answered
        // 413 before it is sent; otherwise the service's early answer can break the client's write (a broken pipe).
        using var handler = new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(60) };
        using var http = new HttpClient(handler) { BaseAddress = address };

        var health = await http.GetFromJsonAsync<HealthResponse>(new Uri("/health", UriKind.Relative), TestContext.CancellationToken);
        Assert.AreEqual(new HealthResponse("ok", 0, ScoringApp.MaxConcurrentScoring), health);
        var body = new[] { new { sigmaW2 = 1.5, sigmaB2 = 0.05, depth = 3 }, new { sigmaW2 = 2.25, sigmaB2 = 0.05, depth = 30 } };
        using var ok = await http.PostAsJsonAsync("/score", body, TestContext.CancellationToken);
        Assert.AreEqual(HttpStatusCode.OK, ok.StatusCode, await ok.Content.ReadAsStringAsync(TestContext.CancellationToken));
        var scores = (await ok.Content.ReadFromJsonAsync<List<JsonElement>>(TestContext.CancellationToken))!;
        Assert.HasCount(2, scores);
        for (int i = 0; i < 2; i++)
        {
            var expected = sweep.Predict(body[i].sigmaW2, (float)body[i].sigmaB2, body[i].depth);
            Assert.AreEqual(expected.Cutoff, scores[i].GetProperty("cutoff").GetSingle());
            Assert.AreEqual(body[i].sigmaB2, scores[i].GetProperty("sigmaB2").GetDouble());
            Assert.AreEqual(expected.PredictedTrainable, scores[i].GetProperty("predictedTrainable").GetBoolean());
            float p = scores[i].GetProperty("probability").GetSingle();
            Assert.IsTrue(p is >= 0 and <= 1);
        }

        async Task<string> BadRequest(string json, HttpStatusCode expected = HttpStatusCode.BadRequest)
        {
            using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/score", UriKind.Relative)) { Content = content };
            request.Headers.ExpectContinue = true;
            using var response = await http.SendAsync(request, TestContext.CancellationToken);
            string text = await response.Content.ReadAsStringAsync(TestContext.CancellationToken);
            Assert.AreEqual(expected, response.StatusCode, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
        }

        Assert.Contains("JSON array", await BadRequest("{\"sigmaW2\": 1}"));
        Assert.Contains("non-empty", await BadRequest("[]"));
        Assert.Contains("Item 0: sigmaW2 is required", await BadRequest("[{\"sigmaB2\": 0.05, \"depth\": 3}]"));
        Assert.Contains("Item 1: depth", await BadRequest("[{\"sigmaW2\": 1, \"sigmaB2\": 0.05, \"depth\": 3}, {\"sigmaW2\": 1, \"sigmaB2\": 0.05, \"depth\": 0}]"));
        Assert.Contains("outside the fitted grid", await BadRequest("[{\"sigmaW2\": 9, \"sigmaB2\": 0.05, \"depth\": 3}]"));
        Assert.Contains("not in the fitted grid", await BadRequest("[{\"sigmaW2\": 1, \"sigmaB2\": 0.5, \"depth\": 3}]"));
        Assert.Contains("JSON array", await BadRequest("not json"));
        // One item too many is refused while reading; a body larger than the items could need, by its size.
        const string item = "{\"sigmaW2\": 1.5, \"sigmaB2\": 0.05, \"depth\": 3}";
        Assert.Contains($"At most {ScoringApp.MaxBatch}", await BadRequest("[" + string.Join(',', Enumerable.Repeat(item, ScoringApp.MaxBatch + 1)) + "]"));
        Assert.Contains($"larger than {ScoringApp.MaxBodyBytes} bytes", await BadRequest("[" + new string(' ', (int)ScoringApp.MaxBodyBytes) + item + "]", HttpStatusCode.RequestEntityTooLarge));

        await app.StopAsync(TestContext.CancellationToken);
        Directory.Delete(dir, recursive: true);
    }
}
