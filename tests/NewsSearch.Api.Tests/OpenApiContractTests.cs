using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace NewsSearch.Api.Tests;

/// <summary>The OpenAPI document: the built file is what is served, and it documents every operation fully.</summary>
// Engine-independent: runs on the default engine.
public class OpenApiContractTests() : ApiTestBase(EngineNames.Native)
{
    private static string DocumentFile => Path.Combine(NewsSearchFactory.RepositoryRoot, "openapi", "newssearch.json");

    private async Task<JsonObject> ServedAsync() => (await Client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject doc) =>
        from path in doc["paths"]!.AsObject()
        from op in path.Value!.AsObject()
        select (path.Key, op.Key, op.Value!.AsObject());

    [Test]
    public async Task TestBuiltDocumentIsWhatIsServed()
    {
        var file = JsonNode.Parse(await File.ReadAllTextAsync(DocumentFile))!;
        var served = await ServedAsync();
        Assert.That(JsonNode.DeepEquals(file, served), Is.True,
            "openapi/newssearch.json differs from /openapi/v1.json: rebuild (dotnet build) and commit the document");
    }

    [Test]
    public async Task TestEveryOperationHasSummaryDescriptionA4xxAndAnExample()
    {
        var doc = await ServedAsync();
        var ops = Operations(doc).ToList();
        Assert.That(ops.Select(o => $"{o.Method} {o.Path}"), Is.SupersetOf(new[]
        {
            "get /api/v1/search", "get /api/v1/articles/{id}", "put /api/v1/articles/{id}", "delete /api/v1/articles/{id}",
            "post /api/v1/articles", "post /api/v1/admin/reindex", "post /api/v1/admin/ingest", "get /api/v1/admin/jobs",
            "get /api/v1/admin/jobs/{id}", "delete /api/v1/admin/jobs/{id}", "get /healthz/ready",
        }));
        foreach (var (path, method, op) in ops)
        {
            string name = $"{method} {path}";
            Assert.That((string?)op["summary"], Is.Not.Null.And.Not.Empty, name);
            Assert.That((string?)op["description"], Is.Not.Null.And.Not.Empty, name);
            var responses = op["responses"]!.AsObject();
            Assert.That(responses.Select(r => r.Key), Has.Some.StartsWith("4"), name);
            foreach (var r in responses.Where(r => r.Key[0] is '4' or '5'))
                Assert.That(r.Value!["content"]!["application/problem+json"], Is.Not.Null, $"{name} {r.Key} is problem+json");
            Assert.That(op.ToJsonString(), Does.Contain("\"example\""), $"{name} has an example");
            Assert.That(op["security"], Is.Not.Null, name);
        }
    }

    [Test]
    public async Task TestDocumentDeclaresKeySchemeTagsServersAndLicense()
    {
        var doc = await ServedAsync();
        var scheme = doc["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.That((string?)scheme["type"], Is.EqualTo("apiKey"));
        Assert.That((string?)scheme["name"], Is.EqualTo("X-Api-Key"));
        Assert.That((string?)scheme["in"], Is.EqualTo("header"));
        var put = Operations(doc).Single(o => o.Method == "put").Operation;
        Assert.That(put["security"]!.ToJsonString(), Is.EqualTo("""[{"ApiKey":[]}]"""));
        Assert.That(doc["tags"]!.AsArray().Select(t => (string?)t!["description"]), Has.All.Not.Empty);
        Assert.That((string?)doc["servers"]![0]!["url"], Is.EqualTo("http://127.0.0.1:5080"));
        Assert.That((string?)doc["info"]!["license"]!["name"], Is.Not.Empty);
        var problem = doc["components"]!["schemas"]!["ApiProblem"]!["properties"]!.AsObject();
        Assert.That(problem.Select(p => p.Key), Is.SupersetOf(new[] { "code", "traceId", "title", "status", "detail" }));
    }

    [Test]
    public async Task TestRedoclyRecommendedRulesFindNoErrors()
    {
        string root = NewsSearchFactory.RepositoryRoot;
        string cli = Path.Combine(root, "tools", "redocly", "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.That(File.Exists(cli), Is.True, "scripts/setup.sh installs @redocly/cli into tools/redocly");
        string localNode = Path.Combine(root, "tools", "node", "bin", "node");
        var start = new ProcessStartInfo(File.Exists(localNode) ? localNode : "node", [cli, "lint", "--extends=recommended", DocumentFile])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(120_000), Is.True, "redocly lint finished within 2 minutes");
        string output = await stdout + await stderr;
        Assert.That(process.ExitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("valid").And.Not.Contain("error "), output);
    }

    [Test]
    public async Task TestSwaggerUiIsServed()
    {
        Assert.That((await Client.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
