using BenchmarkDotNet.Attributes;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Benchmarks.Foundation;

/// <summary>
/// The dispatch floor: the cost of one trivial libtorch operation on a one-element tensor, i.e. the fixed price of
/// crossing from .NET into libtorch and back. Every kernel benchmark is reported as a multiple of it.
/// </summary>
[BenchmarkCategory("floor")]
public class DispatchFloorBenchmarks
{
    private Tensor _one64 = null!;
    private Tensor _one32 = null!;

    /// <summary>Allocates the one-element tensors once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _one64 = zeros(1, dtype: ScalarType.Float64);
        _one32 = zeros(1, dtype: ScalarType.Float32);
    }

    /// <summary>Releases the tensors.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _one64.Dispose();
        _one32.Dispose();
    }

    /// <summary>In-place add of a scalar to a one-element float64 tensor: no allocation on either side.</summary>
    [Benchmark(Baseline = true)]
    public Tensor InPlaceAddFloat64() => _one64.add_(1.0);

    /// <summary>The same in float32.</summary>
    [Benchmark]
    public Tensor InPlaceAddFloat32() => _one32.add_(1.0f);

    /// <summary>An out-of-place add: the floor plus one native tensor allocation and its disposal.</summary>
    [Benchmark]
    public void OutOfPlaceAddFloat64()
    {
        using var r = _one64.add(1.0);
    }
}
