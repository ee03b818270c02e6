using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Numerics.Regression;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Attention;

/// <summary>
/// <c>attention.multilayer-gd</c>: <c>L</c> stacked GD-construction layers equal <c>L</c> gradient-descent steps, layer by
/// layer (von Oswald et al. 2022, "Transformers learn in-context by gradient descent", arXiv:2212.07677, Sec. 2–3: a
/// K-layer linear self-attention model implements K steps of GD; spec 4.2 "Stacking" and 5.2). For
/// <c>L = 1..6</c>, four seeded Gaussian prompts each (d = 1..6, N = 1..20, o = 1..2, random <c>W0</c>, random
/// <c>η ∈ [0.05, 0.95]·2/λ_max(C)</c>; shared weights for odd L, independent copies for even L) are traced through the
/// float64 stack and compared with <see cref="GradientDescent"/>'s iterates after every layer: context y-slots
/// <c>y_i − (W_k − W0) x_i</c>, query y-slot <c>−W_k x_q</c>, x-slots unchanged.
/// </summary>
/// <remarks>Measured: the largest per-entry error <c>|a − b| / max(1, |b|)</c> over all L, prompts, layers, tokens and entries;
/// tolerance 1e−12 (spec Section 5, float64, ≤ 10 layers of O(1) entries).</remarks>
public sealed class MultilayerGdCheck : Check
{
    internal const int MaxLayers = 6, PromptsPerDepth = 4;
    internal const double Tolerance = 1e-12;

    /// <inheritdoc />
    public override string Id => "attention.multilayer-gd";

    /// <inheritdoc />
    public override string Claim =>
        "L = 1..6 stacked GD-construction layers equal L GD steps after every layer: measured = max over L, 4 seeded prompts per L, " +
        "every layer, token and entry of |module - oracle| / max(1, |oracle|) in float64; tolerance 1e-12 (spec 5).";

    /// <inheritdoc />
    public override string Source => "von Oswald et al. 2022, Transformers learn in-context by gradient descent, arXiv:2212.07677, Sec. 2-3; spec 4.2 and 5.2";

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var random = context.Random();
        double worst = 0;
        var perLayer = new double[MaxLayers + 1];
        var trajectories = new List<(double[] Module, double[] Oracle)>();
        for (int depth = 1; depth <= MaxLayers; depth++)
        {
            for (int i = 0; i < PromptsPerDepth; i++)
            {
                using var scope = NewDisposeScope();
                var p = AttentionCheckSupport.Prompt(random, random.Between(1, 20), random.Between(1, 6), random.Between(1, 2));
                double eta = random.Between(0.05, 0.95) * 2 / p.LambdaMaxC;
                using var model = GradientDescentConstruction.Build(p.D, depth, eta, p.W0, p.O, sharedWeights: depth % 2 == 1, device: context.Device);
                using var trace = model.Trace(PromptBuilder.Build(p.X, p.Y, p.Xq, p.W0, device: context.Device));
                var oracle = GradientDescent.Run(p.X, p.Y, p.Xq, eta, depth, p.W0);
                var module = new double[depth + 1];
                for (int k = 0; k <= depth; k++)
                {
                    var actual = AttentionCheckSupport.Row(trace.States[k]);
                    double e = AttentionCheckSupport.MaxScaledError(actual, AttentionCheckSupport.GdState(p, oracle.Iterates[k]));
                    perLayer[k] = Math.Max(perLayer[k], e);
                    worst = Math.Max(worst, e);
                    module[k] = -actual[p.N, p.D];
                }
                if (depth == MaxLayers)
                    trajectories.Add((module, oracle.Predictions.Select(v => v[0]).ToArray()));
            }
        }

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int t = 0; t < trajectories.Count; t++)
        {
            double[] ks = Enumerable.Range(0, MaxLayers + 1).Select(k => (double)k).ToArray();
            var line = plot.Add.ScatterLine(ks, trajectories[t].Oracle);
            line.Color = palette.GetColor(t);
            line.LegendText = t == 0 ? "oracle GD iterate W_k x_q (line)" : "";
            var marks = plot.Add.ScatterPoints(ks, trajectories[t].Module);
            marks.Color = palette.GetColor(t);
            marks.MarkerSize = 9;
            marks.MarkerShape = MarkerShape.OpenCircle;
            marks.LegendText = t == 0 ? "module readout after layer k (circle)" : "";
        }
        plot.Title($"{MaxLayers}-layer GD stack vs {MaxLayers} GD steps: max error {worst:E1}");
        plot.XLabel("layer k = GD step k");
        plot.YLabel("prediction (first output)");
        plot.ShowLegend(Alignment.UpperLeft);
        string figure = context.SaveFigure(plot, Id);

        string layers = string.Join(", ", perLayer.Select((e, k) => $"k={k}: {e:E1}"));
        return CheckResult.Within(worst, 0, Tolerance,
            $"L = 1..{MaxLayers}, {PromptsPerDepth} prompts each (d 1-6, N 1-20, o 1-2, random W0 and eta < 2/lambda_max(C); shared weights for odd L) " +
            $"on {context.Device.type}, float64; max error after layer {layers}") with { FigurePath = figure };
    }
}
