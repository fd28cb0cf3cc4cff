using System.CommandLine;

namespace NewsSearch.Cli.Commands;

public static class ServeCommand
{
    public static IEnumerable<Command> Create(CliGlobals globals) => [];
}
