using NeuralTheory.Normalization;
using NeuralTheory.Numerics.Diagnostics;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Tests;

/// <summary>The usage snippet of docs/normalization.md compiles, runs, and prints the spec's Hermite numbers.</summary>
public class NormDocsExampleTests
{
    [Fact]
    public void Docs_usage_example_runs_and_prints_the_predicted_numbers()
    {
        var original = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try
        {
        // --- docs/normalization.md, "Usage" ---
        // The [O21] chain: BN0 with unit Frobenius norm, identity, Gaussian weights; d = 128, n = 8, 60 layers.
        using var net = new NormalizedMlp(inputDim: 128, width: 128, depth: 60, MlpNorm.BatchNormTheory, MlpActivation.Identity,
            bn0Scale: Bn0Scale.UnitFrobenius, seed: 1);
        using var x = ones([8, 128], ScalarType.Float64) + 0.1 * randn([8, 128], ScalarType.Float64);   // nearly parallel samples
        var (a, h) = net.Representations(x);                      // A_l and H_l, l = 1..60, batch-first [n, d]
        using var gaps = TensorDiagnostics.OrthogonalityGap(stack(h.ToArray()));   // V(H_l), shape [60]
        Console.WriteLine($"V(H_1) = {gaps[0].item<double>():F3}, V(H_60) = {gaps[59].item<double>():F3}, " +
                          $"derived floor {PredictedRates.OrthogonalityGapFloor(8, 128):F3}");
        foreach (var t in a.Concat(h)) t.Dispose();

        // The Hermite prediction for LN0 + ReLU: a_1, the asymptotic slope of log phi, the floor at d = 1000, n = 10.
        var relu = HermiteCoefficients.Relu(8);
        Console.WriteLine($"a_1 = {relu.LinearFraction:F6}, slope {PredictedRates.IsometryGapLogSlope(relu.LinearFraction):F5}, " +
                          $"floor {PredictedRates.IsometryGapFloor(10, 1000, relu.LinearFraction):F5}");

        // [M23]: orthogonal weights, BN0, identity, readout k = 10; ||dLoss/dW_l||_F after one backward pass.
        using var m23 = new NormalizedMlp(32, 32, 100, MlpNorm.BatchNormTheory, MlpActivation.Identity, orthogonal: true, outputDim: 10, seed: 2);
        using var x32 = randn([32, 32], ScalarType.Float64);
        using var labels = randint(0, 10, [32], ScalarType.Int64);
        double[] grads = m23.LayerGradNorms(x32, z => nn.functional.cross_entropy(z, labels));
        Console.WriteLine($"log ||dLoss/dW_1|| = {Math.Log(grads[0]):F2} at depth 100");
        // --- end ---
        string output = captured.ToString();
        Assert.Contains("a_1 = 0.733471, slope -0.61993, floor 0.00974", output);   // spec 7.4
        Assert.InRange(gaps[0].item<double>(), 0.5, 0.95);
        Assert.InRange(gaps[59].item<double>(), 0.5 * PredictedRates.OrthogonalityGapFloor(8, 128), 2 * PredictedRates.OrthogonalityGapFloor(8, 128));
        Assert.InRange(Math.Log(grads[0]), -1, 1);
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
