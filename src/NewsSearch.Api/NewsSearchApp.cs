using NewsSearch.Api.Endpoints;
using NewsSearch.Api.Infrastructure;

namespace NewsSearch.Api;

/// <summary>Builds the web host: used by Program (dotnet run, build-time OpenAPI) and by `newssearch serve`.</summary>
public static class NewsSearchApp
{
    private static readonly Dictionary<string, string> SwitchMappings = new()
    {
        ["--data"] = "NewsSearch:Data",
        ["--dict"] = "NewsSearch:Dict",
        ["--user-dict"] = "NewsSearch:UserDict",
        ["--admin-key"] = "NewsSearch:AdminKey",
        ["--engine"] = "NewsSearch:Engine",
        ["--analysis"] = "NewsSearch:Analysis",
        ["--import-folder"] = "NewsSearch:ImportFolder",
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
        builder.Configuration.AddCommandLine(args.Where(a => a != "--urls" && !a.StartsWith("--urls=")).ToArray(), SwitchMappings);
        builder.Services.Configure<NewsSearchOptions>(builder.Configuration.GetSection("NewsSearch"));
        builder.Services.AddSingleton<EngineHost>();
        // The build-time OpenAPI generator starts the host too; it must not open (or create) a data folder.
        if (!IsOpenApiGenerator)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EngineHost>());
            // After EngineHost: it needs the open store.
            builder.Services.AddSingleton<ImportFolderWatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ImportFolderWatcher>());
        }
        builder.Services.AddSingleton<AdminKeyFilter>();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<InputErrorHandler>();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "NewsSearch API";
            doc.Info.Description = "Full-text search over a Chinese city newspaper's articles.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
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
