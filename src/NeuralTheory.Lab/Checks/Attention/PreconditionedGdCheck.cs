using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.preconditioned-gd</c>: four linear self-attention layers with Ahn et al.'s sparse weights
/// <c>P_ℓ = [[0,0],[0,1]]</c>, <c>Q_ℓ = −[[A_ℓ,0],[0,0]]</c> and four distinct random SPD matrices <c>A_ℓ</c> run four steps
/// of preconditioned gradient descent <c>w_{ℓ+1} = w_ℓ − A_ℓᵀ (C w_ℓ − b)</c> (Ahn et al. 2023, "Transformers learn to
/// implement preconditioned gradient descent for in-context learning", arXiv:2306.00297, Thm. 1 and the multi-layer
/// result; spec 4.4 / 5.3). Ten seeded Gaussian prompts (d = 2..6, N = 1..24, o = 1), float64, compared with
/// <see cref="PreconditionedGradientDescent"/> after every layer on every token (x-slots unchanged, context y-slots the
/// residuals <c>y_i − w_ℓᵀ x_i</c>, query y-slot <c>−w_ℓᵀ x_q</c>).
/// </summary>
/// <remarks>
/// <c>A_ℓ = f_ℓ (G Gᵀ/d + 0.1 I) / (‖G Gᵀ/d + 0.1 I‖₂ λ_max(C))</c> with <c>G</c> Gaussian and <c>f_ℓ ∈ [0.2, 0.95]</c>, drawn
/// once per prompt (so <c>‖A_ℓ C‖₂ &lt; 1</c> and entries stay O(1)). Measured: the largest per-entry error
/// <c>|a − b| / max(1, |b|)</c>; tolerance 1e−12 (spec Section 5, float64).
/// </remarks>
public sealed class PreconditionedGdCheck : Check
{
    internal const int Layers = 4, PromptCount = 10;
    internal const double Tolerance = 1e-12;

    /// <inheritdoc />
    public override string Id => "attention.preconditioned-gd";

    /// <inheritdoc />
    public override string Claim =>
        "4 LSA layers with P = [[0,0],[0,1]], Q = -[[A_l,0],[0,0]] and distinct random SPD A_l equal 4 preconditioned GD steps: " +
        "measured = max over 10 seeded prompts, every layer, token and entry of |module - oracle| / max(1, |oracle|) in float64; tolerance 1e-12 (spec 5).";

    /// <inheritdoc />
    public override string Source =>
        "Ahn et al. 2023, Transformers learn to implement preconditioned gradient descent for in-context learning, arXiv:2306.00297, Thm. 1 and multi-layer result; spec 4.4 and 5.3";

    /// <summary>A seeded prompt (o = 1, W0 = 0) with its per-layer preconditioners.</summary>
    internal sealed record Instance(RegressionPrompt Prompt, IReadOnlyList<Matrix<double>> Preconditioners);

    /// <summary>Random SPD <c>A_ℓ</c> scaled to <c>‖A_ℓ C‖₂ ≤ f_ℓ &lt; 1</c>.</summary>
    internal static IReadOnlyList<Instance> Draw(SeededRandom random, int count = PromptCount)
    {
        var instances = new List<Instance>(count);
        for (int i = 0; i < count; i++)
        {
            var p = AttentionCheckSupport.Prompt(random, random.Between(1, 24), random.Between(2, 6), 1, w0Scale: 0);
            var a = new List<Matrix<double>>(Layers);
            for (int l = 0; l < Layers; l++)
            {
                var g = random.GaussianMatrix(p.D, p.D);
                var spd = g * g.Transpose() / p.D + 0.1 * Matrix<double>.Build.DenseIdentity(p.D);
                a.Add(spd * (random.Between(0.2, 0.95) / (spd.L2Norm() * p.LambdaMaxC)));
            }
            instances.Add(new Instance(p, a));
        }
        return instances;
    }

    /// <summary>
    /// The measurement with the module built from <paramref name="moduleA"/> and the oracle run with the instance's
    /// own preconditioners (pass <c>null</c> to use those for the module too; anything else is a deliberately wrong
    /// construction). Also returns, per prompt, the training loss <c>L(w_ℓ)</c> read from the module's context residuals
    /// and the oracle's.
    /// </summary>
    internal static (double MaxError, List<(double[] Module, double[] Oracle)> Losses) Measure(
        IReadOnlyList<Instance> instances, Device device, Func<Instance, IReadOnlyList<Matrix<double>>>? moduleA = null)
    {
        double worst = 0;
        var losses = new List<(double[], double[])>();
        foreach (var inst in instances)
        {
            var p = inst.Prompt;
            using var scope = NewDisposeScope();
            using var model = PreconditionedGradientDescentConstruction.Build(moduleA?.Invoke(inst) ?? inst.Preconditioners, device: device);
            using var trace = model.Trace(PromptBuilder.Build(p.X, p.Y, p.Xq, p.W0, device: device));
            var oracle = PreconditionedGradientDescent.Run(p.X, p.Y.Column(0), p.Xq, inst.Preconditioners);
            var module = new double[Layers + 1];
            for (int k = 0; k <= Layers; k++)
            {
                var actual = AttentionCheckSupport.Row(trace.States[k]);
                worst = Math.Max(worst, AttentionCheckSupport.MaxScaledError(actual, AttentionCheckSupport.GdState(p, oracle.Iterates[k])));
                var residuals = actual.Column(p.D).SubVector(0, p.N);       // y_i − w_kᵀ x_i
                module[k] = residuals.DotProduct(residuals) / (2 * p.N);   // L(w_k) read off the context tokens
            }
            losses.Add((module, oracle.Losses.ToArray()));
        }
        return (worst, losses);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var instances = Draw(context.Random());
        var (error, losses) = Measure(instances, context.Device);

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double[] ks = Enumerable.Range(0, Layers + 1).Select(k => (double)k).ToArray();
        for (int t = 0; t < losses.Count; t++)
        {
            var line = plot.Add.ScatterLine(ks, losses[t].Oracle.Select(v => AttentionCheckSupport.Log10(v)).ToArray());
            line.Color = palette.GetColor(t);
            line.LegendText = t == 0 ? "oracle L(w_k), PreconditionedGradientDescent (line)" : "";
            var marks = plot.Add.ScatterPoints(ks, losses[t].Module.Select(v => AttentionCheckSupport.Log10(v)).ToArray());
            marks.Color = palette.GetColor(t);
            marks.MarkerShape = MarkerShape.OpenCircle;
            marks.MarkerSize = 9;
            marks.LegendText = t == 0 ? "module: mean squared context residual / 2 (circle)" : "";
        }
        plot.Title($"4 layers vs 4 preconditioned GD steps: max error {error:E1}");
        plot.XLabel("layer k");
        plot.YLabel("log10 training loss L(w_k)");
        plot.ShowLegend(Alignment.LowerLeft);
        string figure = context.SaveFigure(plot, Id);

        return CheckResult.Within(error, 0, Tolerance,
            $"{instances.Count} prompts (d 2-6, N 1-24, o = 1), 4 distinct SPD A_l with ||A_l C|| in [0.2,0.95], on {context.Device.type}, float64; " +
            "max over all layers, tokens and entries of |a-b|/max(1,|b|)") with { FigurePath = figure };
    }
}
