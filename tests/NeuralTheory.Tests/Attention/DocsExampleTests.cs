using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Regression;

namespace NeuralTheory.Tests.Attention;

/// <summary>The usage example of docs/attention.md, verbatim, so the page cannot drift from the API.</summary>
public class DocsExampleTests
{
    [Fact]
    public void Usage_example_of_the_attention_page_runs_and_gives_the_spec_number()
    {
        var x = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.5 }, { -0.5, 1.0 }, { 2.0, -1.0 } });
        var y = Vector<double>.Build.DenseOfArray([0.5, 1.5, -1.0]);
        var xq = Vector<double>.Build.DenseOfArray([1.0, 2.0]);

        using var model = GradientDescentConstruction.Build(inputDim: 2, steps: 3, eta: 0.1);  // 3 layers = 3 GD steps
        using var z = PromptBuilder.Build(x, y, xq);                                          // (1, N+1, d+1), float64
        using var prediction = model.Predict(z);                                              // −Z[N, y] = ŷ_3
        var reference = GradientDescent.Run(x, y, xq, eta: 0.1, steps: 3);                    // the MathNet oracle

        Assert.Equal(0.311646412037037, prediction.item<double>(), 1e-14);
        Assert.Equal(0.311646412037037, reference.Prediction(3), 1e-14);
    }
}
