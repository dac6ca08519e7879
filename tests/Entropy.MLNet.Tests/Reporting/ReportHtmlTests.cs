using Entropy.MLNet.Reporting;

namespace Entropy.MLNet.Tests.Reporting;

[TestClass]
public sealed class ReportHtmlTests
{
    private const string Hostile = "<script>alert('x')</script>&\"";

    [TestMethod]
    public void Render_ImagesSettingsAndTables_SelfContainedAndEscaped()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 1, 2, 3];
        var document = new ReportDocument
        {
            Title = "Sweep " + Hostile,
            Settings = [new("dataset", Hostile), new("width", "784")],
            Images = [new ReportImage("Phase diagram", "phase-diagram.png", png)],
            Tables = [new ReportTable("Results", ["σ_w²", "cutoff"], [["1.5", Hostile]], Note: Hostile)],
            Footer = Hostile,
        };

        string html = ReportHtml.Render(document);

        StringAssert.Contains(html, "data:image/png;base64," + Convert.ToBase64String(png));
        StringAssert.Contains(html, "<th>dataset</th>");
        StringAssert.Contains(html, "<td>784</td>");
        StringAssert.Contains(html, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<link", html);
    }
}
