using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Common;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Benchmarks.Foundation;

/// <summary>The cost of moving a matrix between MathNet and libtorch through the bridge (copy both ways).</summary>
public class BridgeBenchmarks
{
    private Matrix<double> _matrix = null!;
    private Tensor _tensor = null!;

    /// <summary>Side of the square matrix.</summary>
    [Params(16, 256)]
    public int Size { get; set; }

    /// <summary>Draws the matrix.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _matrix = new SeededRandom(0).GaussianMatrix(Size, Size);
        _tensor = _matrix.ToTensor();
    }

    /// <summary>Releases the tensor.</summary>
    [GlobalCleanup]
    public void Cleanup() => _tensor.Dispose();

    /// <summary>MathNet → tensor (float64, CPU).</summary>
    [Benchmark]
    public void MatrixToTensor()
    {
        using var t = _matrix.ToTensor();
    }

    /// <summary>Tensor → MathNet (float64).</summary>
    [Benchmark]
    public Matrix<double> TensorToMatrix() => _tensor.ToMatrix();
}
