using NeuralTheory.Normalization;
using NeuralTheory.Numerics.Diagnostics;
using static NeuralTheory.Lab.Checks.Ode.OdeCheckSupport;

namespace NeuralTheory.Lab.Checks.Normalization;

/// <summary>
/// <c>norm.ln-isometry-rate</c>: Joudaki, Daneshmand &amp; Bach 2023 (arXiv:2305.18399): layer normalisation with a non-linear
/// activation drives the Gram matrix to isometry at an exponential rate set by the activation's Hermite coefficients.
/// Spec normalization Experiment C with ReLU and sin: <c>J23Net</c> (LN0, act→norm, <c>W ~ N(0, 1/d)</c>), d = 1000, n = 10,
/// input of degeneracy 10, <see cref="Trials"/> trials (seeds <c>seed + 20000 + t</c>). Measured rate
/// <c>r = log(φ̄(L)/φ̄(0))/L</c> over L = <see cref="Depth"/> layers; predicted rate: the same for the trial-mean mean-field
/// curve <c>φ̄_MF</c> of the Hermite/dual-kernel iteration <c>C_ℓ = κ(C_{ℓ−1})</c>, <c>κ(ρ) = Σ a_k ρ^k</c> (spec 3.6-3.7).
/// </summary>
/// <remarks>
/// Tolerance derived from the spec's acceptance (i): <c>|φ̄(ℓ) − φ̄_MF(ℓ)| ≤ 0.2 φ̄_MF(ℓ) + 2 φ_∞</c> at d = 1000 with the derived
/// floor <c>φ_∞ = (n−1)/(2d(1−a_1²))</c>. Since <c>φ̄(0) = φ̄_MF(0)</c> exactly (same input), (i) at ℓ = L is equivalent to
/// <c>r ∈ [log((0.8 φ̄_MF(L) − 2φ_∞)/φ̄(0))/L, log((1.2 φ̄_MF(L) + 2φ_∞)/φ̄(0))/L]</c>; both activations must fall in their own
/// band. Bands do not overlap (ReLU ≈ [−0.32, −0.23], sin ≈ [−0.21, −0.14]): a wrong Hermite expansion fails. The
/// asymptotic mean-field slope 2 log a_1 is reported only: at d = 1000 the floor is reached before it applies (spec 6 C).
/// tanh is left to <c>reproduce norm-depth</c> (its rate 0.93² per layer needs L = 60).
/// </remarks>
public sealed class LnIsometryRateCheck : Check
{
    internal const int Width = 1000;
    internal const int Batch = 10;
    internal const int Depth = 10;
    internal const int Trials = 4;
    internal static readonly MlpActivation[] ActivationsMeasured = [MlpActivation.Relu, MlpActivation.Sin];

    /// <inheritdoc />
    public override string Id => "norm.ln-isometry-rate";

    /// <inheritdoc />
    public override string Claim =>
        "LN0 + activation (act->norm, d = 1000, n = 10, 10 layers, degeneracy-10 input): the measured exponential rate log(phi(10)/phi(0))/10 of the isometry gap " +
        "equals the rate of the Hermite/dual-kernel mean-field prediction, for ReLU and sin, within the band implied by the spec's acceptance |phi - phi_MF| <= 0.2 phi_MF + 2 phi_inf (Experiment C).";

    /// <inheritdoc />
    public override string Source =>
        "Joudaki, Daneshmand & Bach 2023, On the impact of activation and normalization in obtaining isometric embeddings at initialization, arXiv:2305.18399; spec normalization 3.6-3.7, Experiment C";

    /// <summary>The rate band (lo, hi) that the spec's acceptance (i) at ℓ = L allows, and the predicted rate.</summary>
    internal static (double Predicted, double Lo, double Hi) Band(double[] meanField, double floor)
    {
        int l = meanField.Length - 1;
        double start = meanField[0];
        double lo = 0.8 * meanField[l] - 2 * floor;
        double hi = 1.2 * meanField[l] + 2 * floor;
        return (Math.Log(meanField[l] / start) / l, lo > 0 ? Math.Log(lo / start) / l : double.NegativeInfinity, Math.Log(hi / start) / l);
    }

    /// <summary>The measured rate of a trial-mean curve.</summary>
    internal static double Rate(double[] measured) => Math.Log(measured[^1] / measured[0]) / (measured.Length - 1);

    /// <summary>The derived floor at the check's size.</summary>
    internal static double Floor(MlpActivation activation) =>
        PredictedRates.IsometryGapFloor(Batch, Width, NormCheckSupport.Kernel(activation).LinearFraction);

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return TorchThreads.Single(() => RunSingleThreaded(context));
    }

    private CheckResult RunSingleThreaded(CheckContext context)
    {
        var plot = new ScottPlot.Plot();
        var layers = Enumerable.Range(0, Depth + 1).Select(l => (double)l).ToArray();
        bool all = true;
        double worstMeasured = double.NaN, worstPredicted = double.NaN, worstTol = 0, worstExcess = double.NegativeInfinity;
        var parts = new List<string>();
        foreach (var act in ActivationsMeasured)
        {
            var (m, mf) = NormCheckSupport.MeanIsometryGaps(act, Width, Batch, Depth, Trials, context.Seed);
            double floor = Floor(act);
            var (pred, lo, hi) = Band(mf, floor);
            double rate = Rate(m);
            bool ok = double.IsFinite(rate) && rate >= lo && rate <= hi;
            all &= ok;
            double tol = rate >= pred ? hi - pred : pred - lo;
            double excess = Math.Abs(rate - pred) / tol;
            if (!(excess <= worstExcess)) { worstExcess = excess; worstMeasured = rate; worstPredicted = pred; worstTol = tol; }
            double a1 = NormCheckSupport.Kernel(act).LinearFraction;
            parts.Add(Inv($"{act}: phi(0) {m[0]:F3}, phi(5) {m[5]:F3} (MF {mf[5]:F3}), phi(10) {m[10]:F4} (MF {mf[10]:F4}); rate {rate:F4} vs predicted {pred:F4}, band [{lo:F4}, {hi:F4}] (floor {floor:F4}; asymptotic 2 log a1 = {2 * Math.Log(a1):F4})"));
            var line = plot.Add.ScatterLine(layers, m.Select(Math.Log10).ToArray());
            line.LegendText = Inv($"{act} measured");
            var mfLine = plot.Add.ScatterLine(layers, mf.Select(Math.Log10).ToArray());
            mfLine.LegendText = Inv($"{act} mean field (Hermite)");
            mfLine.LinePattern = ScottPlot.LinePattern.Dashed;
            mfLine.Color = line.Color;
        }
        plot.Title("LN0 + activation: isometry gap vs depth (d = 1000, n = 10)");
        plot.XLabel("layer l");
        plot.YLabel("log10 mean isometry gap");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        string figure = context.SaveFigure(plot, Id);
        string note = string.Join("; ", parts) + ". Measured/expected/tolerance shown for the activation closest to its band edge; tolerance = distance from the prediction to that band edge.";
        return new CheckResult(worstMeasured, worstPredicted, worstTol, all, FigurePath: figure, Note: note);
    }
}
