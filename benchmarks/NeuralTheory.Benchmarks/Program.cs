using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;

namespace NeuralTheory.Benchmarks;

/// <summary>
/// Runs the benchmarks. They always run in-process (<c>--inProcess</c> is added when absent): the libtorch natives in
/// this program's output carry the GLIBCXX weak-need patch, which a separately generated benchmark project would not
/// get. Examples: <c>dotnet run -c Release --project benchmarks/NeuralTheory.Benchmarks -- --filter '*'</c>, and the
/// CI smoke run <c>... -- --filter '*' --job dry</c>. <c>-- --interleaved-attention [ROUNDS] [CALLS]</c> instead runs
/// <see cref="Attention.InterleavedRatio"/> (a Stopwatch loop, no BenchmarkDotNet).
/// </summary>
public static class Program
{
    /// <summary>Entry point; arguments are BenchmarkDotNet's.</summary>
    public static int Main(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == Attention.InterleavedRatio.Switch)
            return Attention.InterleavedRatio.Run(args[1..]);
        if (!args.Any(a => a is "--inProcess" or "-i"))
            args = [.. args, "--inProcess"];
        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
