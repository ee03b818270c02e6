using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Bridge;
using TorchSharp;
using static NeuralTheory.Tests.Attention.AttentionTestSupport;
using static TorchSharp.torch;
using G = NeuralTheory.Tests.Attention.SpecGoldenNumbers;

namespace NeuralTheory.Tests.Attention;

/// <summary>The spec's checkable numbers (Section 7) reproduced by the constructions: float64 to 1e−12 relative, float32 to 1e−5.</summary>
public class SpecGoldenNumberTests
{
    public static TheoryData<ScalarType, double> Precisions => new() { { ScalarType.Float64, 1e-12 }, { ScalarType.Float32, 1e-5 } };

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_2_gd_construction_y_columns_W0_zero(ScalarType dtype, double tol) =>
        CheckGdYColumns(dtype, tol, withW0: false, G.GdYColumnsW0Zero);

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_2_gd_construction_y_columns_W0_nonzero(ScalarType dtype, double tol) =>
        CheckGdYColumns(dtype, tol, withW0: true, G.GdYColumnsW0);

    private static void CheckGdYColumns(ScalarType dtype, double tol, bool withW0, double[][] expected)
    {
        var w0 = withW0 ? V(G.W0).ToRowMatrix() : null;
        foreach (var shared in new[] { true, false })
            foreach (var form in new[] { AttentionForm.Merged, AttentionForm.Separate })
            {
                using var model = GradientDescentConstruction.Build(2, 3, G.Eta, w0, sharedWeights: shared, form: form, dtype: dtype);
                using var z = I1Prompt(dtype, withW0);
                Assert.Equal(withW0 ? 0.1 : 0.0, z[0, 3, 2].ToDouble(), 1e-7);   // query y-slot = −W0 x_q
                using var trace = model.Trace(z);
                for (int l = 1; l <= 3; l++)
                {
                    var state = Slice(trace.States[l]);
                    AssertClose(expected[l - 1], state.Column(2).ToArray(), tol, $"y-column after layer {l} ({form}, shared={shared}, {dtype})");
                    AssertClose(M(G.X), state.SubMatrix(0, 3, 0, 2), tol, "context x-slots");
                    AssertClose(G.Xq, state.Row(3).SubVector(0, 2).ToArray(), tol, "query x-slot");
                    AssertClose([-expected[l - 1][3]], trace.Readouts[l].ToMatrix().Column(0).ToArray(), tol, "readout");
                }
            }
    }

    [Fact]
    public void Section_7_2_negative_test_including_the_query_is_wrong_from_layer_2()
    {
        var (p, q) = GradientDescentConstruction.Weights(2, G.Eta);
        using var pt = p.ToTensor();
        using var qt = q.ToTensor();
        using var wrong = new LinearSelfAttention(pt, qt, includeQuery: true);
        using var model = new LinearTransformer(wrong, 2);
        using var z = I1Prompt(ScalarType.Float64);
        using var y = model.Predict(z);
        Assert.Equal(G.GdIncludingQueryPrediction2, y.ToDouble(), 1e-12);
        using var right = GradientDescentConstruction.Build(2, 2, G.Eta);
        using var yRight = right.Predict(z);
        Assert.Equal(G.GdYColumnsW0Zero[1][3], -yRight.ToDouble(), 1e-12);
        // Row form and separate form agree on the wrong convention too.
        using var rowWrong = LinearAttentionFunctional.ForwardRowForm(LinearAttentionFunctional.ForwardRowForm(z, pt, qt, true), pt, qt, true);
        Assert.Equal(-G.GdIncludingQueryPrediction2, rowWrong[0, 3, 2].ToDouble(), 1e-12);
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_3_preconditioned_gd(ScalarType dtype, double tol)
    {
        var a = M(G.Preconditioner);
        using var shared = PreconditionedGradientDescentConstruction.Build(a, 3, dtype);
        using var independent = PreconditionedGradientDescentConstruction.Build([a, a, a], dtype);
        foreach (var model in new[] { shared, independent })
        {
            using var z = I1Prompt(dtype);
            using var trace = model.Trace(z);
            for (int k = 1; k <= 3; k++)
            {
                var w = V(G.PgdIterates[k - 1]);
                var state = Slice(trace.States[k]);
                AssertClose([G.PgdPredictions[k - 1]], [trace.Readouts[k].ToDouble()], tol, $"ŷ_{k}");
                var residuals = V(G.Y) - M(G.X) * w;   // context y-slots hold y_i − w_kᵀ x_i
                AssertClose(residuals.ToArray(), state.Column(2).SubVector(0, 3).ToArray(), tol, $"context residuals after layer {k}");
                AssertClose(M(G.X), state.SubMatrix(0, 3, 0, 2), tol, "x-slots unchanged");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_4_gd_plus_plus_full_Z(ScalarType dtype, double tol)
    {
        using var shared = GdPlusPlusConstruction.Build(2, 3, G.Eta, G.Gamma, dtype);
        using var perLayer = GdPlusPlusConstruction.Build(2, [(G.Eta, G.Gamma), (G.Eta, G.Gamma), (G.Eta, G.Gamma)], dtype);
        foreach (var model in new[] { shared, perLayer })
        {
            using var z = I1Prompt(dtype);
            using var trace = model.Trace(z);
            for (int k = 1; k <= 3; k++)
            {
                AssertClose(M(G.GdPlusPlusStates[k - 1]), Slice(trace.States[k]), tol, $"Z after GD++ layer {k}");
                AssertClose([G.GdPlusPlusPredictions[k - 1]], [trace.Readouts[k].ToDouble()], tol, $"ŷ_{k}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_6_newton_schulz_lsa_construction(ScalarType dtype, double tol)
    {
        var x = M(G.X);
        var s = x.TransposeThisAndMultiply(x);
        double alpha = 1 / (s * s.Transpose()).FrobeniusNorm();
        Assert.Equal(G.NewtonAlpha, alpha, 1e-15);
        using var model = NewtonSchulzConstruction.Build(2, 3, alpha, 3, dtype);
        Assert.Equal(5, model.Depth);
        using var z = I1Prompt(dtype, extraSlots: 2);
        Assert.Equal([1L, 4L, 5L], z.shape);
        using var trace = model.Trace(z);
        var afterInit = Slice(trace.States[1]);
        AssertClose(G.NewtonQueryVAfterInit, afterInit.Row(3).SubVector(2, 2).ToArray(), tol, "v_q after the init layer");
        var tokensX = x.Stack(V(G.Xq).ToRowMatrix());   // all four tokens' x
        for (int k = 0; k <= 3; k++)
        {
            var state = Slice(trace.States[k + 1]);
            var scaledV = state.SubMatrix(0, 4, 2, 2) * Math.Pow(2, k);   // 2^k v_j = M_k x_j for every token
            AssertClose(tokensX * M(G.NewtonM[k]), scaledV, tol, $"2^{k} v after Newton layer {k}");
            if (k >= 1)
                AssertClose(G.NewtonScaledQueryV[k - 1], scaledV.Row(3).ToArray(), tol, $"2^{k} v_q");
        }
        AssertClose([G.NewtonReadoutK3], [trace.Readouts[5].ToDouble()], tol, "ŷ_3");
    }

    [Theory]
    [MemberData(nameof(Precisions))]
    public void Section_7_9_trivial_cases(ScalarType dtype, double tol)
    {
        var x = Matrix<double>.Build.Dense(1, 1, G.TrivialX);
        using var z = PromptBuilder.Build(x, V(G.TrivialY), V(G.TrivialXq), dtype: dtype);
        using var gd = GradientDescentConstruction.Build(1, 2, 0.1, dtype: dtype);
        using var trace = gd.Trace(z);
        AssertClose([0.0, G.TrivialPrediction1, G.TrivialPrediction2], trace.Readouts.Select(r => r.ToDouble()).ToArray(), tol, "GD ŷ_0..2");

        using var zn = PromptBuilder.Build(x, V(G.TrivialY), V(G.TrivialXq), extraSlots: 1, dtype: dtype);
        for (int k = 0; k <= 3; k++)
        {
            using var newton = NewtonSchulzConstruction.Build(1, k, G.TrivialNewtonAlpha, 1, dtype);
            using var y = newton.Predict(zn);
            AssertClose([G.TrivialNewtonPrediction], [y.ToDouble()], tol, $"Newton ŷ_{k}");
        }

        // K = 0: outputs equal inputs, ŷ_0 = W0 x_q.
        var w0 = V(G.W0);
        using var zw = I1Prompt(dtype, withW0: true);
        using var empty = GradientDescentConstruction.Build(2, 0, 0.1, w0.ToRowMatrix(), dtype: dtype);
        using var same = empty.forward(zw);
        Assert.Equal(0.0, MaxAbsDiff(same, zw));
        Assert.Equal(w0 * V(G.Xq), empty.Predict(zw).ToDouble(), tol);
    }
}
