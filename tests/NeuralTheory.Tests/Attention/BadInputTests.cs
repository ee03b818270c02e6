using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using TorchSharp;
using static NeuralTheory.Tests.Attention.AttentionTestSupport;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>Spec Section 8: bad inputs raise <see cref="ArgumentException"/> naming the parameter, never a native crash.</summary>
public class BadInputTests
{
    private static void Throws(string parameter, Action action, string? messagePart = null)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(parameter, e.ParamName);
        if (messagePart is not null) Assert.Contains(messagePart, e.Message);
    }

    [Fact]
    public void Prompts_without_context_tokens_are_refused()
    {
        using var layer = LinearSelfAttention.RandomMerged(3, dtype: ScalarType.Float64);
        using var onlyQuery = zeros(2, 1, 3, dtype: ScalarType.Float64);
        Throws("z", () => layer.forward(onlyQuery), "N ≥ 1");
        using var stack = new LinearTransformer(layer, 2);
        Throws("z", () => stack.forward(onlyQuery), "N ≥ 1");
        Throws("z", () => LinearAttentionFunctional.Forward(onlyQuery, layer.P!, layer.Q!));
        using var x0 = zeros(1, 0, 2, dtype: ScalarType.Float64);
        using var y0 = zeros(1, 0, 1, dtype: ScalarType.Float64);
        using var xq = zeros(1, 2, dtype: ScalarType.Float64);
        Throws("x", () => PromptBuilder.Build(x0, y0, xq), "N = 0");
    }

    [Fact]
    public void Wrong_feature_count_rank_dtype_or_device_is_refused()
    {
        using var layer = LinearSelfAttention.RandomMerged(3, dtype: ScalarType.Float64);
        using var wide = zeros(1, 4, 5, dtype: ScalarType.Float64);
        Throws("z", () => layer.forward(wide), "D = 3");
        using var flat = zeros(4, 3, dtype: ScalarType.Float64);
        Throws("z", () => layer.forward(flat), "(B, N+1, D)");
        using var single = zeros(1, 4, 3, dtype: ScalarType.Float32);
        Throws("z", () => layer.forward(single), "Float64");
        using var ints = zeros(1, 4, 3, dtype: ScalarType.Int64);
        Throws("z", () => layer.forward(ints), "Float64 or Float32");
    }

    [Fact]
    public void Non_finite_inputs_are_refused()
    {
        using var layer = LinearSelfAttention.RandomMerged(3, dtype: ScalarType.Float64);
        using var z = zeros(1, 4, 3, dtype: ScalarType.Float64);
        z[0, 1, 2] = tensor(double.NaN);
        Throws("z", () => layer.forward(z), "NaN");
        z[0, 1, 2] = tensor(double.PositiveInfinity);
        Throws("z", () => layer.forward(z));
        var x = M(new[,] { { 1.0, double.NaN } });
        Throws("x", () => PromptBuilder.Build(x, V(1.0), V(1.0, 2.0)));
        Throws("xq", () => PromptBuilder.Build(M(new[,] { { 1.0, 2.0 } }), V(1.0), V(1.0, double.NegativeInfinity)));
        Throws("w0", () => PromptBuilder.Build(M(new[,] { { 1.0, 2.0 } }), V(1.0), V(1.0, 2.0), V(double.NaN, 0)));
        using var p = full(1, 3, 3, double.NaN, dtype: ScalarType.Float64);
        using var q = zeros(1, 3, 3, dtype: ScalarType.Float64);
        Throws("p", () => new LinearSelfAttention(p, q));
        Throws("eta", () => GradientDescentConstruction.Build(2, 1, double.NaN));
    }

    [Fact]
    public void Prompt_shapes_must_agree()
    {
        var x = M(new[,] { { 1.0, 2.0 }, { 3.0, 4.0 } });
        Throws("y", () => PromptBuilder.Build(x, V(1.0), V(1.0, 2.0)), "N = 2");
        Throws("xq", () => PromptBuilder.Build(x, V(1.0, 2.0), V(1.0)), "d = 2");
        Throws("w0", () => PromptBuilder.Build(x, V(1.0, 2.0), V(1.0, 2.0), V(1.0, 2.0, 3.0)));
        Throws("w0", () => PromptBuilder.Build(x, Matrix<double>.Build.Dense(2, 2), V(1.0, 2.0), Matrix<double>.Build.Dense(1, 2)), "(o, d) = (2, 2)");
        Throws("extraSlots", () => PromptBuilder.Build(x, V(1.0, 2.0), V(1.0, 2.0), extraSlots: -1));
        using var xt = zeros(2, 3, 2, dtype: ScalarType.Float64);
        using var yt = zeros(2, 3, 1, dtype: ScalarType.Float64);
        using var yWrong = zeros(2, 4, 1, dtype: ScalarType.Float64);
        using var xq = zeros(2, 2, dtype: ScalarType.Float64);
        using var xq32 = zeros(2, 2, dtype: ScalarType.Float32);
        Throws("y", () => PromptBuilder.Build(xt, yWrong, xq));
        Throws("xq", () => PromptBuilder.Build(xt, yt, xq32), "Float64");
        using var w0 = zeros(2, 2, dtype: ScalarType.Float64);
        Throws("w0", () => PromptBuilder.Build(xt, yt, xq, w0), "(o, d) = (1, 2)");
        using var z = PromptBuilder.Build(xt, yt, xq);
        Throws("outputDim", () => PromptBuilder.Readout(z, 4));
    }

    [Fact]
    public void Construction_hyper_parameters_and_weight_shapes_are_checked()
    {
        Throws("eta", () => GradientDescentConstruction.Build(2, 1, -0.1), "η");
        Throws("eta", () => GradientDescentConstruction.Build(2, 1, 0));
        Throws("steps", () => GradientDescentConstruction.Build(2, -1, 0.1));
        Throws("inputDim", () => GradientDescentConstruction.Build(0, 1, 0.1));
        Throws("w0", () => GradientDescentConstruction.Build(2, 1, 0.1, Matrix<double>.Build.Dense(1, 3)), "(o, d) = (1, 2)");
        Throws("w0", () => GradientDescentConstruction.Build(2, 1, 0.1, Matrix<double>.Build.Dense(1, 2), outputDim: 2));
        Throws("gamma", () => GdPlusPlusConstruction.Build(2, 1, 0.1, -0.01), "γ");
        Throws("eta", () => GdPlusPlusConstruction.Weights(2, -1, 0));
        Throws("alpha", () => NewtonSchulzConstruction.Build(2, 3, 0, 5), "α");
        Throws("newtonSteps", () => NewtonSchulzConstruction.Build(2, -1, 0.1, 5));
        Throws("contextLength", () => NewtonSchulzConstruction.Build(2, 1, 0.1, 0));
        Throws("preconditioner", () => PreconditionedGradientDescentConstruction.Weights(Matrix<double>.Build.Dense(2, 3)), "square");
        Throws("preconditioners", () => PreconditionedGradientDescentConstruction.Build([Matrix<double>.Build.Dense(2, 2), Matrix<double>.Build.Dense(3, 3)]));
        Throws("preconditioners", () => PreconditionedGradientDescentConstruction.Build(Array.Empty<Matrix<double>>()));
        Throws("dtype", () => GradientDescentConstruction.Build(2, 1, 0.1, dtype: ScalarType.Int32));
    }

    [Fact]
    public void Weight_shapes_inconsistent_with_D_are_refused()
    {
        using var p = zeros(3, 3, dtype: ScalarType.Float64);
        using var q4 = zeros(4, 4, dtype: ScalarType.Float64);
        using var rect = zeros(3, 4, dtype: ScalarType.Float64);
        Throws("q", () => new LinearSelfAttention(p, q4), "D = 3");
        Throws("p", () => new LinearSelfAttention(rect, rect));
        using var p2 = zeros(2, 3, 3, dtype: ScalarType.Float64);
        using var q3 = zeros(3, 3, 3, dtype: ScalarType.Float64);
        Throws("q", () => new LinearSelfAttention(p2, q3), "heads");
        using var z = zeros(1, 4, 3, dtype: ScalarType.Float64);
        Throws("q", () => LinearAttentionFunctional.Forward(z, p, q4));
        using var wq = zeros(2, 4, 3, dtype: ScalarType.Float64);
        using var wk = zeros(2, 5, 3, dtype: ScalarType.Float64);
        using var wv = zeros(2, 6, 3, dtype: ScalarType.Float64);
        using var wo = zeros(2, 3, 6, dtype: ScalarType.Float64);
        using var woBad = zeros(2, 3, 5, dtype: ScalarType.Float64);
        using var wqOneHead = zeros(1, 4, 3, dtype: ScalarType.Float64);
        Throws("wk", () => new LinearSelfAttention(wq, wk, wv, wo), "W_K");
        Throws("wo", () => new LinearSelfAttention(wq, wq, wv, woBad), "W_O");
        Throws("wk", () => new LinearSelfAttention(wqOneHead, wq, wv, wo), "head");
        Throws("wq", () => LinearAttentionFunctional.ForwardSeparate(zeros(1, 4, 5, dtype: ScalarType.Float64), wq, wq, wv, wo), "D = 5");
        using var a = LinearSelfAttention.RandomMerged(3);
        using var b = LinearSelfAttention.RandomMerged(4);
        Throws("layerSequence", () => new LinearTransformer([a, b]), "D");
        Throws("depth", () => new LinearTransformer(a, -1));
        Throws("outputDim", () => new LinearTransformer([a], 4));
        Throws("heads", () => LinearSelfAttention.RandomMerged(3, 0));
        Throws("initStd", () => LinearSelfAttention.RandomMerged(3, 1, double.NaN));
    }
}
