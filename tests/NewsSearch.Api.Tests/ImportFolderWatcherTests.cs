using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace NewsSearch.Api.Tests;

/// <summary>A page dropped into the import folder of a running host becomes searchable within seconds.</summary>
public class ImportFolderWatcherTests
{
    [Test]
    public async Task TestPageDroppedIntoTheImportFolderBecomesSearchable()
    {
        using var factory = new NewsSearchFactory();
        string inbox = Path.Combine(factory.DataFolder, "inbox");
        using var host = factory.WithWebHostBuilder(b => b.UseSetting("NewsSearch:ImportFolder", inbox));
        using var client = host.CreateClient();
        Assert.That((await client.GetAsync("/healthz/ready")).IsSuccessStatusCode, Is.True);
        Assert.That(Directory.Exists(inbox), Is.True, "the watcher created the folder");

        // Written under a temporary name and renamed, as a careful uploader does; the watcher must not read it early.
        string part = Path.Combine(inbox, "A03.txt.part");
        await File.WriteAllTextAsync(part, """
            江心岛观鸟季开幕

            云溪日报讯(记者/唐嘉禾) 6月1日,江心岛湿地公园观鸟季开幕,白鹭和苍鹭成群栖息在浅滩上。
            """);
        File.Move(part, Path.Combine(inbox, "A03.txt"));

        var clock = Stopwatch.StartNew();
        int hits = 0;
        while (hits == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            var json = await client.GetFromJsonAsync<JsonElement>("/api/v1/search?q=" + Uri.EscapeDataString("观鸟季"));
            hits = json.GetProperty("totalHits").GetInt32();
        }
        Assert.That(hits, Is.EqualTo(1), $"searchable after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(File.Exists(Path.Combine(inbox, "done", "A03.txt")), Is.True);
    }
}
