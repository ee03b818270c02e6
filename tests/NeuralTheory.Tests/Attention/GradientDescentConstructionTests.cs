using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>Spec 5.2: K layers of the GD construction equal K GD steps, checked against a test-local MathNet GD loop (not the Numerics solvers).</summary>
public class GradientDescentConstructionTests
{
    /// <summary>Independent oracle: <c>W ← W − η (W C − B)</c>, <c>C = XᵀX/N</c>, <c>B = YᵀX/N</c> (spec 2.2).</summary>
    private static List<Matrix<double>> GdIterates(RegressionCase r)
    {
        var c = r.X.TransposeThisAndMultiply(r.X) / r.N;
        var b = r.Y.TransposeThisAndMultiply(r.X) / r.N;
        var w = r.W0.Clone();
        var iterates = new List<Matrix<double>> { w };
        for (int k = 0; k < r.K; k++) iterates.Add(w = w - r.Eta * (w * c - b));
        return iterates;
    }

    [Property(MaxTest = 60)]
    public Property Every_layer_equals_the_gd_iterate_on_every_token() => Prop.ForAll(AttentionGenerators.RegressionCases(),
        Gen.Elements(AttentionForm.Merged, AttentionForm.Separate).ToArbitrary(), (r, form) =>
    {
        using var scope = NewDisposeScope();
        using var model = GradientDescentConstruction.Build(r.D, r.K, r.Eta, r.W0, r.O, r.Shared, form);
        var z = PromptBuilder.Build(r.X, r.Y, r.Xq, r.W0);
        using var trace = model.Trace(z);
        var iterates = GdIterates(r);
        for (int k = 0; k <= r.K; k++)
        {
            var w = iterates[k];
            var expected = Matrix<double>.Build.Dense(r.N + 1, r.D + r.O);
            expected.SetSubMatrix(0, 0, r.X);
            expected.SetRow(r.N, 0, r.D, r.Xq);
            expected.SetSubMatrix(0, r.D, r.Y - r.X * (w - r.W0).Transpose());              // y_i − (W_k − W0) x_i
            expected.SetSubMatrix(r.N, r.D, -(w * r.Xq).ToRowMatrix());                      // −W_k x_q
            var actual = trace.States[k][0].ToMatrix();
            double scale = Math.Max(1, expected.Enumerate().Max(Math.Abs));                  // divergent η: relative error
            double err = (actual - expected).Enumerate().Max(Math.Abs);
            if (err > 1e-11 * scale) return false.Label($"{r}, {form}: layer {k} error {err:E3} (scale {scale:E3})");
            var readout = trace.Readouts[k][0].ToVector();
            if ((readout - w * r.Xq).AbsoluteMaximum() > 1e-11 * scale) return false.Label($"readout at layer {k}");
        }
        return true.ToProperty();
    });

    [Fact]
    public void Separate_weights_multiply_to_the_merged_weights()
    {
        var w0 = Matrix<double>.Build.DenseOfArray(new[,] { { 0.3, -0.2 }, { 1.0, 0.5 } });
        var (p, q) = GradientDescentConstruction.Weights(2, 0.1, w0, 2);
        var (wq, wk, wv, wo) = GradientDescentConstruction.SeparateWeights(2, 0.1, w0, 2);
        Assert.True((wo * wv - p).FrobeniusNorm() < 1e-15);
        Assert.True((wk.Transpose() * wq - q).FrobeniusNorm() < 1e-15);
        Assert.Equal(0.1 * 0.3, p[2, 0], 1e-15);
        Assert.Equal(-0.1, p[3, 3]);
    }
}
