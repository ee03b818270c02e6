using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Benchmarks.Common;
using NeuralTheory.Normalization;
using TorchSharp;
using static TorchSharp.torch;
using Oracle = NeuralTheory.Numerics.Diagnostics;

namespace NeuralTheory.Benchmarks.Normalization;

/// <summary>
/// The representation diagnostics of spec normalization 3.5 at width 1024, batch 256 (issue 6): the tensor versions
/// (<see cref="TensorDiagnostics"/>, float64, on the CPU) against the MathNet oracle (<c>NeuralTheory.Numerics.Diagnostics</c>,
/// d×n orientation), plus the Gram product <c>X Xᵀ</c> as the throughput limit and the dispatch floor.
/// </summary>
/// <remarks>
/// <c>GlobalSetup</c> checks that both sides agree (1e−10 relative) on the seeded Gaussian representation. FLOPs counted:
/// the Gram product <c>2 n² d</c> = 134 MFLOP for the Gram-based diagnostics (orthogonality gap, participation rank); the
/// SVD-based ones (isometry gap, effective rank) have no FLOP count. One libtorch intra-op thread, as in the other
/// benchmarks (see <c>ConstructedForwardBenchmarks</c>); MathNet uses its managed provider with its own threading.
/// </remarks>
[Config(typeof(Config))]
public class DiagnosticsBenchmarks
{
    /// <summary>Features d.</summary>
    public const int Width = 1024;
    /// <summary>Samples n.</summary>
    public const int Batch = 256;

    private Tensor _x = null!, _one = null!;
    private Matrix<double> _h = null!;
    private int _threadsBefore;

    /// <summary>FLOPs of one call (null: not a throughput benchmark).</summary>
    public static double? Flops(string method) => method switch
    {
        nameof(GramLimit) or nameof(TensorOrthogonalityGap) or nameof(TensorParticipationRank)
            or nameof(MathNetOrthogonalityGap) or nameof(MathNetParticipationRank) => 2.0 * Batch * Batch * Width,
        _ => null,
    };

    /// <summary>Draws <c>X ~ N(0, 1)</c> (<c>[n, d]</c>, float64, seed 6) and checks tensor against oracle.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _threadsBefore = get_num_threads();
        set_num_threads(1);
        using (var gen = new Generator(6, CPU)) _x = randn([Batch, Width], ScalarType.Float64, generator: gen);
        _one = zeros(1, dtype: ScalarType.Float64);
        var data = _x.data<double>().ToArray();          // row-major [n, d] = column-major [d, n]
        _h = Matrix<double>.Build.Dense(Width, Batch, data);
        var pairs = new (string, double, double)[]
        {
            ("V", TensorOrthogonalityGap(), MathNetOrthogonalityGap()),
            ("phi", TensorIsometryGap(), MathNetIsometryGap()),
            ("r2", TensorParticipationRank(), MathNetParticipationRank()),
            ("erank", TensorEffectiveRank(), MathNetEffectiveRank()),
        };
        foreach (var (name, t, m) in pairs)
        {
            Console.WriteLine($"// {name}: tensor {t:R}, MathNet {m:R}");
            if (!(Math.Abs(t - m) <= 1e-10 * Math.Max(1, Math.Abs(m))))
                throw new InvalidOperationException($"Tensor and MathNet {name} disagree: {t:R} vs {m:R}.");
        }
    }

    /// <summary>Releases the tensors and restores the thread count.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _x.Dispose();
        _one.Dispose();
        set_num_threads(_threadsBefore);
    }

    /// <summary>The dispatch floor (float64).</summary>
    [Benchmark]
    public Tensor DispatchFloor() => _one.add_(1.0);

    /// <summary>The Gram product <c>X Xᵀ</c> alone: the limit of the Gram-based diagnostics.</summary>
    [Benchmark]
    public long GramLimit()
    {
        using var g = _x.matmul(_x.t());
        return g.shape[0];
    }

    /// <summary>Orthogonality gap, tensor.</summary>
    [Benchmark(Baseline = true)]
    public double TensorOrthogonalityGap()
    {
        using var v = TensorDiagnostics.OrthogonalityGap(_x);
        return v.item<double>();
    }

    /// <summary>Isometry gap (SVD), tensor.</summary>
    [Benchmark]
    public double TensorIsometryGap()
    {
        using var v = TensorDiagnostics.IsometryGap(_x);
        return v.item<double>();
    }

    /// <summary>Participation rank, tensor.</summary>
    [Benchmark]
    public double TensorParticipationRank()
    {
        using var v = TensorDiagnostics.ParticipationRank(_x);
        return v.item<double>();
    }

    /// <summary>Effective rank (SVD), tensor.</summary>
    [Benchmark]
    public double TensorEffectiveRank()
    {
        using var v = TensorDiagnostics.EffectiveRank(_x);
        return v.item<double>();
    }

    /// <summary>Orthogonality gap, MathNet oracle.</summary>
    [Benchmark]
    public double MathNetOrthogonalityGap() => Oracle.OrthogonalityGap.Of(_h);

    /// <summary>Isometry gap, MathNet oracle.</summary>
    [Benchmark]
    public double MathNetIsometryGap() => Oracle.IsometryGap.Of(_h);

    /// <summary>Participation rank, MathNet oracle.</summary>
    [Benchmark]
    public double MathNetParticipationRank() => Oracle.ParticipationRank.Of(_h);

    /// <summary>Effective rank, MathNet oracle.</summary>
    [Benchmark]
    public double MathNetEffectiveRank() => Oracle.EffectiveRank.Of(_h);

    private sealed class Config() : ThroughputColumns(nameof(DispatchFloor), bc => Flops(bc.Descriptor.WorkloadMethod.Name),
        m => Flops(m) is null || m == nameof(GramLimit) ? null : nameof(GramLimit));
}
