using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.NativeLoading;

public class TorchLoadTests
{
    [Fact]
    public void Torch_loads_in_the_test_process_and_multiplies()
    {
        using var a = ones(3, 3);
        using var product = a.matmul(a);
        using var sum = product.sum();
        Assert.Equal(27.0f, sum.item<float>());
    }

    [Fact]
    public void Libtorch_matmul_equals_the_MathNet_product_in_float64()
    {
        var rng = new NeuralTheory.Numerics.Common.SeededRandom(7);
        var a = rng.GaussianMatrix(17, 9);
        var b = rng.GaussianMatrix(9, 5);
        using var ta = a.ToTensor();
        using var tb = b.ToTensor();
        using var tc = ta.matmul(tb);
        double error = NeuralTheory.Numerics.Common.Discrepancy.RelativeMaxError(tc.ToMatrix(), a * b);
        Assert.True(error <= 1e-12, $"relative error {error:E3}");
    }
}
