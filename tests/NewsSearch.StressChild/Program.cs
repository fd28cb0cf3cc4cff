using NewsSearch.StressChild;

// NewsSearch.StressChild --data <folder> --engine <name> [--seed N] [--iterations N]
// The SIGKILL crash test's child process (not part of the product CLI).
string? data = null, engine = NewsSearch.Core.Engine.EngineNames.Native;
int seed = 1, iterations = int.MaxValue;
for (int i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--data": data = args[i + 1]; break;
        case "--engine": engine = args[i + 1]; break;
        case "--seed": seed = int.Parse(args[i + 1]); break;
        case "--iterations": iterations = int.Parse(args[i + 1]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}
if (data is null) { Console.Error.WriteLine("usage: --data <folder> --engine <name> [--seed N] [--iterations N]"); return 2; }
StressEngines.Register();
IndexStress.Run(data, engine, seed, iterations);
return 0;
