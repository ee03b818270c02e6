using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace NeuralTheory.Benchmarks.Attention;

/// <summary>
/// <c>--interleaved-attention [ROUNDS] [CALLS]</c>: the ratio "constructed forward / batched GD" of
/// <see cref="ConstructedForwardBenchmarks"/> measured by alternating the two calls in one Stopwatch loop, so that a
/// change of machine load between BenchmarkDotNet's rows (which run minutes apart) does not enter the ratio. Per dtype
/// and round: <c>CALLS</c> calls of each method, alternating, after a warm-up; the medians and their ratio. The best
/// (lowest-ratio) round is the figure least disturbed by other processes; all rounds are printed.
/// </summary>
public static class InterleavedRatio
{
    /// <summary>The command-line switch.</summary>
    public const string Switch = "--interleaved-attention";

    /// <summary>Runs the loop and prints one line per dtype and round; returns the process exit code.</summary>
    /// <param name="args">Optional rounds (default 3) and calls per method and round (default 300), both ≥ 1.</param>
    public static int Run(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int rounds = args.Count > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        int calls = args.Count > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 300;
        if (rounds < 1 || calls < 1)
        {
            Console.Error.WriteLine($"Expected ROUNDS ≥ 1 and CALLS ≥ 1, got {rounds} and {calls}.");
            return 2;
        }
        Console.WriteLine($"dtype    round  BatchedGd median (µs)  ConstructedForward median (µs)  ratio   [{calls} alternating calls each; one intra-op thread]");
        foreach (var dtype in new[] { torch.ScalarType.Float32, torch.ScalarType.Float64 })
        {
            var bench = new ConstructedForwardBenchmarks { DType = dtype };
            bench.Setup();
            try
            {
                for (int i = 0; i < 50; i++) { bench.BatchedGd(); bench.ConstructedForward(); }
                for (int r = 1; r <= rounds; r++)
                {
                    var gd = new double[calls];
                    var lsa = new double[calls];
                    for (int i = 0; i < calls; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        bench.BatchedGd();
                        long t1 = Stopwatch.GetTimestamp();
                        bench.ConstructedForward();
                        long t2 = Stopwatch.GetTimestamp();
                        gd[i] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
                        lsa[i] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
                    }
                    double mg = Median(gd), ml = Median(lsa);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{dtype,-8} {r,5}  {mg,21:F0}  {ml,30:F0}  {ml / mg,5:F2}"));
                }
            }
            finally
            {
                bench.Cleanup();
            }
        }
        return 0;
    }

    private static double Median(double[] values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2]);
    }
}
