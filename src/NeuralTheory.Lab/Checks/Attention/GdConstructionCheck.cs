using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.gd-construction</c>: one linear self-attention layer with von Oswald et al.'s weights
/// <c>P = [[0,0],[η W0, −η I]]</c>, <c>Q = [[I,0],[0,0]]</c> performs one gradient-descent step on the in-context
/// least-squares loss (von Oswald et al. 2022, "Transformers learn in-context by gradient descent", arXiv:2212.07677,
/// Prop. 1; spec 4.2 / 5.2, generalised to any <c>W0</c> and <c>o ≥ 1</c>). Measured on 20 seeded Gaussian prompts
/// (d = 1..6, N = 1..20 including N &lt; d, o = 1..2, random <c>W0</c>, random <c>η ∈ [0.05, 0.95]·2/λ_max(C)</c>):
/// the largest per-entry error <c>|a − b| / max(1, |b|)</c> between the float64 module output and
/// <see cref="GradientDescent.Run(Matrix{double}, Matrix{double}, Vector{double}, double, int, Matrix{double}?)"/>'s
/// one-step state, over every entry of every token.
/// </summary>
/// <remarks>
/// Tolerance 1e−12: spec Section 5's float64 module-vs-oracle bound for O(1) entries (observed round-off is ~1e−16;
/// a wrong sign, a query in the keys, a 1/(N+1) or an η off by 1e−9 relative all exceed it).
/// </remarks>
public sealed class GdConstructionCheck : Check
{
    internal const int PromptCount = 20;
    internal const double Tolerance = 1e-12;

    /// <inheritdoc />
    public override string Id => "attention.gd-construction";

    /// <inheritdoc />
    public override string Claim =>
        "One LSA layer with the GD construction (P = [[0,0],[eta W0, -eta I]], Q = [[I,0],[0,0]]) equals one GD step from W0: " +
        "measured = max over 20 seeded prompts and all entries of all tokens of |module - oracle| / max(1, |oracle|) in float64; tolerance 1e-12 (spec 5).";

    /// <inheritdoc />
    public override string Source => "von Oswald et al. 2022, Transformers learn in-context by gradient descent, arXiv:2212.07677, Prop. 1; spec 4.2 and 5.2";

    /// <summary>A seeded prompt with its step size.</summary>
    internal sealed record Instance(RegressionPrompt Prompt, double Eta);

    /// <summary>The seeded instances: d = 1..6, N = 1..20, o = 1..2, η a random fraction of 2/λ_max(C).</summary>
    internal static IReadOnlyList<Instance> Draw(SeededRandom random, int count = PromptCount)
    {
        var instances = new List<Instance>(count);
        for (int i = 0; i < count; i++)
        {
            var p = AttentionCheckSupport.Prompt(random, random.Between(1, 20), random.Between(1, 6), random.Between(1, 2));
            instances.Add(new Instance(p, random.Between(0.05, 0.95) * 2 / p.LambdaMaxC));
        }
        return instances;
    }

    /// <summary>
    /// The measurement: largest per-entry scaled error between the module built with <c>η·moduleEtaScale</c> and the
    /// oracle's one GD step with <c>η</c>, plus the (module, oracle) prediction pairs. <paramref name="moduleEtaScale"/> ≠ 1
    /// is a deliberately wrong construction (tests use it to see the check fail).
    /// </summary>
    internal static (double MaxError, List<(double Module, double Oracle)> Predictions) Measure(
        IReadOnlyList<Instance> instances, Device device, double moduleEtaScale = 1.0)
    {
        double worst = 0;
        var predictions = new List<(double, double)>();
        foreach (var (p, eta) in instances)
        {
            using var scope = NewDisposeScope();
            using var model = GradientDescentConstruction.Build(p.D, 1, eta * moduleEtaScale, p.W0, p.O, device: device);
            var z = model.forward(PromptBuilder.Build(p.X, p.Y, p.Xq, p.W0, device: device));
            var oracle = GradientDescent.Run(p.X, p.Y, p.Xq, eta, 1, p.W0);
            var actual = AttentionCheckSupport.Row(z);
            worst = Math.Max(worst, AttentionCheckSupport.MaxScaledError(actual, AttentionCheckSupport.GdState(p, oracle.Iterates[1])));
            for (int c = 0; c < p.O; c++)
                predictions.Add((-actual[p.N, p.D + c], oracle.Predictions[1][c]));
        }
        return (worst, predictions);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var instances = Draw(context.Random());
        var (error, predictions) = Measure(instances, context.Device);

        var plot = new Plot();
        double[] xs = predictions.Select(q => q.Oracle).ToArray(), ys = predictions.Select(q => q.Module).ToArray();
        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 6;
        points.LegendText = $"{predictions.Count} query outputs ({instances.Count} prompts)";
        double lim = xs.Concat(ys).Select(Math.Abs).DefaultIfEmpty(1).Max() * 1.05;
        AttentionCheckSupport.AddDiagonal(plot, -lim, lim);
        plot.Title($"1 LSA layer vs 1 GD step: max error {error:E1}");
        plot.XLabel("oracle prediction W_1 x_q (GradientDescent.Run)");
        plot.YLabel("module prediction -Z[N, y]");
        plot.ShowLegend(Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);

        return CheckResult.Within(error, 0, Tolerance,
            $"{instances.Count} prompts (d 1-6, N 1-20 incl. N<d, o 1-2, random W0, eta in [0.05,0.95]*2/lambda_max(C)) on {context.Device.type}, float64; " +
            "max over all entries of all N+1 tokens of |a-b|/max(1,|b|)") with { FigurePath = figure };
    }
}
