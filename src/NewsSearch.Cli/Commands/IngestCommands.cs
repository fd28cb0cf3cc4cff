using System.CommandLine;

namespace NewsSearch.Cli.Commands;

public static class IngestCommands
{
    public static IEnumerable<Command> Create(CliGlobals globals) => [];

    public static IEnumerable<Command> CreateBench(CliGlobals globals) => [];
}
