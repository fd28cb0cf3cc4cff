using System.CommandLine;
using NewsSearch.Cli;
using NewsSearch.Cli.Commands;

// Plain text when piped or redirected: no escape codes in files and pipes.
if (Console.IsOutputRedirected)
{
    Spectre.Console.AnsiConsole.Profile.Capabilities.Ansi = false;
    Spectre.Console.AnsiConsole.Profile.Capabilities.ColorSystem = Spectre.Console.ColorSystem.NoColors;
}

// `--analysis smartcn` (Lucene.Net's SmartCn segmenter for the word fields) is available to every command.
NewsSearch.Analysis.SmartCn.SmartCnWordSegmenter.Register();

var globals = new CliGlobals();
var root = new RootCommand("NewsSearch: full-text search for a Chinese city newspaper");
root.Options.Add(globals.Data);
root.Options.Add(globals.Dictionary);
root.Options.Add(globals.UserDictionary);
root.Options.Add(globals.Engine);
root.Options.Add(globals.Analysis);
CliEngines.Register();

var bench = new Command("bench", "Benchmarks that print figures");
foreach (var c in IngestCommands.Create(globals)) root.Subcommands.Add(c);
foreach (var c in AnalysisCommands.Create(globals)) root.Subcommands.Add(c);
foreach (var c in IndexCommands.Create(globals)) root.Subcommands.Add(c);
foreach (var c in SearchCommands.Create(globals)) root.Subcommands.Add(c);
foreach (var c in ServeCommand.Create(globals)) root.Subcommands.Add(c);
root.Subcommands.Add(ArticleCommands.CreateDelete(globals));
foreach (var c in IngestCommands.CreateBench(globals)) bench.Subcommands.Add(c);
foreach (var c in AnalysisCommands.CreateBench(globals)) bench.Subcommands.Add(c);
foreach (var c in IndexCommands.CreateBench(globals)) bench.Subcommands.Add(c);
foreach (var c in SearchCommands.CreateBench(globals)) bench.Subcommands.Add(c);
bench.Subcommands.Add(CompareBench.Command(globals));
root.Subcommands.Add(bench);

try
{
    // Our own handler below prints user errors as one line; anything else still surfaces with its stack.
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (CliException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return e.ExitCode;
}
