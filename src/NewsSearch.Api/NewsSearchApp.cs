using System.Text.Json;
using System.Text.Json.Serialization;
using NewsSearch.Api.Endpoints;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api;

/// <summary>Builds the web host: used by Program (dotnet run, build-time OpenAPI) and by `newssearch serve`.</summary>
public static class NewsSearchApp
{
    // The API key is not among these on purpose: argv shows in `ps`. It comes from NEWSSEARCH_API_KEY or a key file.
    private static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data"] = "NewsSearch:Data",
        ["--dict"] = "NewsSearch:Dict",
        ["--user-dict"] = "NewsSearch:UserDict",
        ["--engine"] = "NewsSearch:Engine",
        ["--analysis"] = "NewsSearch:Analysis",
        ["--api-key-file"] = "NewsSearch:ApiKeyFile",
        ["--import-folder"] = "NewsSearch:ImportFolder",
        ["--require-key-for-reads"] = "NewsSearch:RequireKeyForReads",
    };

    private static bool IsOpenApiGenerator =>
        System.Reflection.Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    public static WebApplication Build(string[] args)
    {
        ApiEngines.Register();
        NewsSearch.Analysis.SmartCn.SmartCnWordSegmenter.Register(); // `smartcn` word analysis for data folders made with it
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // The page ships next to the binaries, so `newssearch serve` finds it from any working folder.
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Per-request framework logs cost throughput and say nothing the problem responses and error logs don't.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Configuration.AddCommandLine(args.Where(a => a != "--urls" && !a.StartsWith("--urls=")).ToArray(), SwitchMappings);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Above the application's own limits (RequestLimits), so going over those is a problem response, not a bare 414/431.
            k.Limits.MaxRequestLineSize = RequestLimits.KestrelRequestLineBytes;
            k.Limits.MaxRequestHeadersTotalSize = RequestLimits.KestrelHeaderBytes;
            k.Limits.MaxRequestBufferSize = RequestLimits.KestrelRequestLineBytes + RequestLimits.KestrelHeaderBytes;
        });
        builder.Services.Configure<NewsSearchOptions>(builder.Configuration.GetSection("NewsSearch"));
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding failures reach ErrorHandling
        builder.Services.AddSingleton<EngineHost>();
        builder.Services.AddSingleton<ApiKeys>();
        builder.Services.AddSingleton<JobRegistry>();
        // The build-time OpenAPI generator starts the host too; it must not open (or create) a data folder.
        if (!IsOpenApiGenerator)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EngineHost>());
            // After EngineHost: it needs the open store.
            builder.Services.AddSingleton<ImportFolderWatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportFolderWatcher>());
        }
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ErrorHandling.Customize);
        builder.Services.AddExceptionHandler<ErrorHandling>();
        builder.Services.AddOpenApi(OpenApiDocs.Configure);

        var app = builder.Build();
        // Load the key now: a bad key file stops startup with its message instead of failing every write later.
        if (!IsOpenApiGenerator && app.Services.GetRequiredService<ApiKeys>() is var keys)
            app.Logger.LogInformation(keys.IsConfigured ? "API key from the {Source}" : "No API key configured: writes and admin answer 403 api_key_not_configured",
                keys.Source);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRequestLimits();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        app.UseSwaggerUI(o =>
        {
            o.SwaggerEndpoint("/openapi/v1.json", "NewsSearch v1");
            o.RoutePrefix = "swagger";
        });
        app.MapHealthApi();
        app.MapSearchApi();
        app.MapArticlesApi();
        app.MapAnalyzeApi();
        app.MapAdminApi();
        return app;
    }
}
