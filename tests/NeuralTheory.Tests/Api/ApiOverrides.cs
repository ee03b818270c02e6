using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Regression;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Api;

/// <summary>
/// Hand-made valid arguments for members whose parameters constrain each other more than the type-driven search can
/// discover (separate-form weights, prompt pieces, a consistent Butcher tableau, …). Each is tried first, before the
/// type's candidates; the bad values of the parameter are then derived from it.
/// </summary>
internal static class ApiOverrides
{
    private static Tensor T(params long[] shape) => ApiSamples.MakeTensor(shape);

    /// <summary>A discounted TD prompt for d = 2 features and n = 2 transitions (the library samples' sizes): shape (B, 5, 3).</summary>
    private static Tensor TdPromptBatch(long batch) =>
        NeuralTheory.PolicyEvaluation.TdPrompt.Build(T(batch, 2, 2), T(batch, 2, 2), T(batch, 2), T(batch, 2), 0.9);

    private static Vector<double> V2() => Vector<double>.Build.Dense([0.25, 0.75]);

    private static Dictionary<string, Func<object?>> Prompt() => new() { ["z"] = () => TdPromptBatch(1) };

    private static readonly Dictionary<string, Dictionary<string, Func<object?>>> ByMember = new(StringComparer.Ordinal)
    {
        // Separate form without a head dimension: k = v = 2, D = 3.
        ["LinearAttentionFunctional.ForwardSeparate"] = new()
        {
            ["z"] = () => T(1, 3, 3), ["wq"] = () => T(2, 3), ["wk"] = () => T(2, 3), ["wv"] = () => T(2, 3), ["wo"] = () => T(3, 2),
        },
        // B = 1 prompt with N = 3 examples in d = 2, o = 1.
        ["PromptBuilder.Build"] = new()
        {
            ["x"] = () => T(1, 3, 2), ["y"] = () => T(1, 3, 1), ["xq"] = () => T(1, 2),
        },
        // Heun's method: c = (0, 1), a_{1,0} = 1, b = (1/2, 1/2), order 2.
        ["ButcherTableau.ctor"] = new()
        {
            ["name"] = () => "heun", ["c"] = () => new[] { 0.0, 1.0 }, ["a"] = () => new[] { Array.Empty<double>(), new[] { 1.0 } },
            ["b"] = () => new[] { 0.5, 0.5 }, ["order"] = () => 2,
        },
        ["InContextTrainer.Train"] = new()
        {
            ["model"] = () => GradientDescentConstruction.Build(2, 1, 0.1),
            ["sampler"] = () => new RegressionPromptSampler(2, 3, dtype: ScalarType.Float64),
        },
        ["NormalizedMlp.LayerGradNorms"] = new() { ["loss"] = () => new Func<Tensor, Tensor>(t => t.square().sum()) },
        ["InContextLoss.Estimate"] = new()
        {
            ["predictor"] = () => new Func<RegressionTask, Vector<double>>(_ => Vector<double>.Build.Dense(1, 0.5)),
        },
        ["TransitionContext.FromTrajectory"] = new()
        {
            ["states"] = () => new[] { 0, 1, 0, 1, 1, 0, 1, 0, 0, 1 }, ["start"] = () => 0, ["count"] = () => 4,
        },
        ["TdPrompt.Validate"] = Prompt(),
        ["TdStepSizeModel.forward"] = Prompt(),
        ["TdStepSizeModel.PredictValue"] = Prompt(),
        ["TdTransformer.forward"] = Prompt(),
        ["TdTransformer.PredictValue"] = Prompt(),
        ["TdTransformer.Trajectory"] = Prompt(),
        ["MultiTaskTdTrainer.Loss"] = new() { ["prompts"] = () => TdPromptBatch(2), ["queryRewards"] = () => T(2) },
        // A stack of token width D = 2d + 1 = 5 for d = 2.
        ["TdTransformer.ctor"] = new() { ["stack"] = () => GradientDescentConstruction.Build(4, 1, 0.1) },
        // Linear branch, L = 2 layers of width d = 2: states h_0..h_2, V_1, V_2, no W, and ∂ℓ/∂h_L.
        ["ResNetBackward.Run"] = new()
        {
            ["states"] = () => new[] { V2(), V2(), V2() },
            ["v"] = () => new[] { Matrix<double>.Build.DenseIdentity(2), Matrix<double>.Build.DenseIdentity(2) },
            ["w"] = () => null,
            ["gL"] = () => V2(),
        },
        ["DeviceCheck.Parse"] = new() { ["name"] = () => "cpu", ["parameter"] = () => "device" },
        ["DeviceCheck.Resolve"] = new() { ["parameter"] = () => "device" },
    };

    /// <summary>The hand-made sample for <paramref name="parameter"/> of <paramref name="member"/> (named <c>Type.Member</c>, <c>ctor</c> for constructors), if any and if it fits the parameter's type.</summary>
    public static Sample? For(string member, System.Reflection.ParameterInfo parameter)
    {
        if (!ByMember.TryGetValue(member, out var ps) || !ps.TryGetValue(parameter.Name!, out var make)) return null;
        // Overloads share the key: the sample applies only where its type fits.
        using var scope = torch.NewDisposeScope();
        var value = make();
        bool fits = value is null ? !parameter.ParameterType.IsValueType : parameter.ParameterType.IsInstanceOfType(value);
        if (value is IDisposable d and not Tensor) d.Dispose();
        return fits ? new Sample("override", make) : null;
    }
}
