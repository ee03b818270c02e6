using BenchmarkDotNet.Attributes;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using NtBatchNorm = NeuralTheory.Normalization.BatchNorm;
using NtLayerNorm = NeuralTheory.Normalization.LayerNorm;
using NeuralTheory.Normalization;

namespace NeuralTheory.Benchmarks.Normalization;

/// <summary>
/// Batch and layer normalisation forward at width 1024, batch 256 (issue 6): the library's <see cref="NtBatchNorm"/> and
/// <see cref="NtLayerNorm"/> (train mode, batch statistics, eps 1e−5, affine) against TorchSharp's <c>BatchNorm1d</c> and
/// <c>LayerNorm</c>, and the theory variants BN0 / LN0 (<see cref="TheoryNormalizations"/>), under <c>no_grad</c>.
/// </summary>
/// <remarks>
/// <c>GlobalSetup</c> checks that ours and TorchSharp's outputs agree (1e−12 in float64, 1e−5 in float32). One libtorch
/// intra-op thread (see <c>ConstructedForwardBenchmarks</c>). The library's layers validate their input (shape, dtype,
/// finiteness: one host read) on every call; TorchSharp's fused kernels do not — part of the measured difference.
/// </remarks>
public class NormForwardBenchmarks
{
    /// <summary>Features d.</summary>
    public const int Width = 1024;
    /// <summary>Samples n.</summary>
    public const int Batch = 256;

    private Tensor _x = null!;
    private NtBatchNorm _bn = null!;
    private NtLayerNorm _ln = null!;
    private BatchNorm1d _torchBn = null!;
    private TorchSharp.Modules.LayerNorm _torchLn = null!;
    private int _threadsBefore;

    /// <summary>Tensor dtype.</summary>
    [Params(ScalarType.Float32, ScalarType.Float64)]
    public ScalarType DType { get; set; }

    /// <summary>Draws <c>X ~ N(0, 1)</c> (seed 6), builds the layers and checks ours against TorchSharp's.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _threadsBefore = get_num_threads();
        set_num_threads(1);
        using (var gen = new Generator(6, CPU)) _x = randn([Batch, Width], ScalarType.Float64, generator: gen).to(DType);
        _bn = new NtBatchNorm(Width, dtype: DType);
        _ln = new NtLayerNorm(Width, dtype: DType);
        _torchBn = nn.BatchNorm1d(Width, eps: 1e-5, dtype: DType);
        _torchLn = nn.LayerNorm(Width, eps: 1e-5, dtype: DType);
        _bn.train(); _torchBn.train();
        double tol = DType == ScalarType.Float64 ? 1e-12 : 1e-5;
        using var noGrad = no_grad();
        foreach (var (name, a, b) in new[] { ("BatchNorm", _bn.forward(_x), _torchBn.forward(_x)), ("LayerNorm", _ln.forward(_x), _torchLn.forward(_x)) })
        {
            double diff = (a - b).abs().max().to_type(ScalarType.Float64).item<double>();
            Console.WriteLine($"// {name} {DType}: max |ours - TorchSharp| = {diff:E2}");
            if (!(diff <= tol)) throw new InvalidOperationException($"{name}: ours and TorchSharp's differ by {diff:E2} > {tol:E0}.");
            a.Dispose(); b.Dispose();
        }
    }

    /// <summary>Releases the tensors and modules and restores the thread count.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose(); _bn.Dispose(); _ln.Dispose(); _torchBn.Dispose(); _torchLn.Dispose();
        set_num_threads(_threadsBefore);
    }

    /// <summary>Library BatchNorm, train mode.</summary>
    [Benchmark(Baseline = true)]
    public long OursBatchNorm() => Run(_bn.forward);

    /// <summary>TorchSharp BatchNorm1d, train mode.</summary>
    [Benchmark]
    public long TorchBatchNorm1d() => Run(_torchBn.forward);

    /// <summary>Library LayerNorm.</summary>
    [Benchmark]
    public long OursLayerNorm() => Run(_ln.forward);

    /// <summary>TorchSharp LayerNorm.</summary>
    [Benchmark]
    public long TorchLayerNorm() => Run(_torchLn.forward);

    /// <summary>BN0 (UnitRms), no mean reduction.</summary>
    [Benchmark]
    public long BatchNorm0() => Run(x => TheoryNormalizations.BatchNorm0(x));

    /// <summary>LN0 (centred, RMS-scaled, no eps).</summary>
    [Benchmark]
    public long LayerNorm0() => Run(TheoryNormalizations.LayerNorm0);

    private long Run(Func<Tensor, Tensor> f)
    {
        using var noGrad = no_grad();
        using var y = f(_x);
        return y.shape[0];
    }
}
