using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Bridge;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>Spec 5.4: the GD++ stack equals the token recursion 3.3 on every entry, against a test-local MathNet loop.</summary>
public class GdPlusPlusConstructionTests
{
    [Property(MaxTest = 50)]
    public Property Every_layer_equals_the_token_recursion() => Prop.ForAll(AttentionGenerators.RegressionCases(singleOutput: true, zeroStart: true),
        Gen.Choose(0, 200_000).Select(i => i / 1e6).ToArbitrary(), (r, gamma) =>
    {
        using var scope = NewDisposeScope();
        using var model = GdPlusPlusConstruction.Build(r.D, r.K, r.Eta, gamma);
        using var trace = model.Trace(PromptBuilder.Build(r.X, r.Y, r.Xq));
        // Tokens as rows: x-block T (N+1)×d, y-slot s (N+1); s_q starts at 0.
        var t = r.X.Stack(r.Xq.ToRowMatrix());
        var s = Vector<double>.Build.Dense(r.N + 1);
        s.SetSubVector(0, r.N, r.Y.Column(0));
        for (int k = 0; k <= r.K; k++)
        {
            var expected = t.Append(s.ToColumnMatrix());
            var actual = trace.States[k][0].ToMatrix();
            double scale = Math.Max(1, expected.Enumerate().Max(Math.Abs));
            double err = (actual - expected).Enumerate().Max(Math.Abs);
            if (err > 1e-11 * scale) return false.Label($"{r}, γ={gamma}: layer {k} error {err:E3}");
            var xc = t.SubMatrix(0, r.N, 0, r.D);
            var c = xc.TransposeThisAndMultiply(xc) / r.N;                 // C_k of the current context x's
            var g = xc.TransposeThisAndMultiply(s.SubVector(0, r.N)) / r.N; // g_k
            s = s - r.Eta * (t * g);                                        // r_t ← r_t − η x_tᵀ g_k (old x's)
            t = t * (Matrix<double>.Build.DenseIdentity(r.D) - gamma * c);  // x_t ← (I − γ C_k) x_t (C symmetric)
        }
        return true.ToProperty();
    });
}
