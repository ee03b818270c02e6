using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Numerics.Ode;
using NeuralTheory.Residual;
using ScottPlot;
using static NeuralTheory.Lab.Checks.Residual.ResidualCheckSupport;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.Residual;

/// <summary>
/// <c>residual.euler-correspondence</c> (spec residual-scaling 2.4, 5 items 3–4, 7.2): a TwoLayer tanh ResNet with
/// <c>α = 1/L</c> and left-endpoint weights <c>V_k = V((k−1)/L)</c>, <c>W_k = W((k−1)/L)</c>
/// (<see cref="ResidualOdeCorrespondence.FromOde"/>, TorchSharp float64) <b>is</b> explicit Euler with step <c>1/L</c> on the neural
/// ODE <c>dH/dt = V(t) tanh(W(t) H)</c> — every state equals the MathNet Euler iterate (<see cref="FixedStepIntegrator"/>) to
/// round-off — and so converges to the ODE solution at rate <c>1/L</c>: <c>e_L/e_{2L} ∈ [1.95, 2.05]</c> and
/// <c>L·e_L</c> within 1% of 0.3737 against RK4 with N = 20 000. Marion, Wu, Sander &amp; Biau, <i>Implicit regularization of
/// deep residual networks towards neural ODEs</i> (arXiv:2309.01213); Chen et al. 2018 (arXiv:1806.07366).
/// </summary>
public sealed class EulerCorrespondenceCheck : Check
{
    internal static readonly int[] Depths = [10, 20, 40, 80, 160, 320, 640, 1280];
    internal static readonly double[] H0 = [1, -2];
    internal static readonly double[] ReferenceH1 = [1.44098020343913, -2.38847981614528];

    /// <summary>Spec 7.2's h_L (15 significant digits) for the depths it tabulates.</summary>
    internal static readonly Dictionary<int, double[]> TableStates = new()
    {
        [10] = [1.47331446233656, -2.36946171367183],
        [20] = [1.45729009928796, -2.37930292810497],
        [40] = [1.44917107875928, -2.38397454021322],
        [80] = [1.44508461983493, -2.38624783736407],
        [160] = [1.44303465408605, -2.38736896633627],
        [320] = [1.44200798898301, -2.38792567246058],
        [1280] = [1.441237254817, -2.38834152002039],
    };

    internal const double SpecLTimesError = 0.3737, RatioTolerance = 0.05, LTimesErrorRelative = 0.01, TableTolerance = 1e-11;

    /// <summary>Spec 5 item 3: identical arithmetic up to operation order, <c>1e−14·(1 + |value|)</c> per entry and step.</summary>
    internal const double EulerTolerance = 1e-14;

    /// <inheritdoc />
    public override string Id => "residual.euler-correspondence";

    /// <inheritdoc />
    public override string Claim =>
        "TwoLayer tanh ResNet with alpha = 1/L and left-endpoint weights of V(t) = V0 + t V1, W(t) = W0 + sin(pi t) W1 (spec 7.2, TorchSharp float64): every state equals " +
        "the MathNet explicit-Euler iterate (1e-14 (1 + |value|)), and e_L = ||h_L - H(1)|| (RK4, N = 20000) halves when L doubles: measured = worst e_L/e_2L over " +
        "L = 10..1280, expected 2, tolerance 0.05; also L e_L within 1% of 0.3737 and h_L within 1e-11 of the spec's table (spec 5 items 3-4).";

    /// <inheritdoc />
    public override string Source =>
        "Marion, Wu, Sander & Biau, Implicit regularization of deep residual networks towards neural ODEs, arXiv:2309.01213 (ICLR 2024); Chen et al. 2018, arXiv:1806.07366; spec residual-scaling 2.4, 5, 7.2";

    private static Matrix<double> M(double a, double b, double c, double d) => Matrix<double>.Build.DenseOfRowMajor(2, 2, [a, b, c, d]);
    private static readonly Matrix<double> V0 = M(0.5, -0.3, 0.2, 0.4), V1 = M(-0.6, 0.1, 0.3, 0.7), W0 = M(1.0, -0.5, 0.3, 0.8), W1 = M(0.7, 0.2, -0.9, 0.4);

    /// <summary><c>V(t)</c> and <c>W(t)</c> of spec 7.2, with an optional factor on <c>W1</c> (tests perturb it).</summary>
    internal static (Matrix<double> V, Matrix<double> W) Weights(double t, double w1Factor = 1) => (V0 + t * V1, W0 + (Math.Sin(Math.PI * t) * w1Factor) * W1);

    /// <summary>The MathNet field <c>f(t, h) = V(t) tanh(W(t) h)</c>.</summary>
    internal static Func<double, Vector<double>, Vector<double>> Field(double w1Factor = 1) => (t, h) =>
    {
        var (v, w) = Weights(t, w1Factor);
        return v * (w * h).Map(Math.Tanh);
    };

    /// <summary>Per depth: the network's states, the worst Euler mismatch (in units of <c>1 + |value|</c>) and <c>h_L</c>.</summary>
    internal sealed record DepthResult(int Depth, double EulerMismatch, Vector<double> Final);

    /// <summary>Runs the network and the MathNet Euler scheme at every depth.</summary>
    /// <param name="networkW1Factor">Factor on <c>W1</c> for the network's weights only (1 in the check).</param>
    internal static DepthResult[] Measure(double networkW1Factor = 1)
    {
        var h0 = Vector<double>.Build.DenseOfArray(H0);
        var results = new List<DepthResult>();
        foreach (int depth in Depths)
        {
            using var scope = NewDisposeScope();
            using var net = ResidualOdeCorrespondence.FromOde(
                t => Bridge.TensorBridge.ToTensor(Weights(t, networkW1Factor).V), t => Bridge.TensorBridge.ToTensor(Weights(t, networkW1Factor).W),
                depth, BranchType.TwoLayer, ResidualActivation.Tanh);
            using var noGrad = no_grad();
            var states = net.ForwardWithStates(tensor(H0, [1, 2], ScalarType.Float64));
            var grid = Enumerable.Range(0, depth + 1).Select(k => k / (double)depth).ToArray();
            var euler = FixedStepIntegrator.Integrate(ButcherTableau.Euler, Field(), h0, grid);
            double worst = 0;
            for (int k = 0; k <= depth; k++)
            {
                var hk = Row(states[k], 0);
                for (int i = 0; i < 2; i++) worst = Math.Max(worst, Math.Abs(hk[i] - euler.Ys[k][i]) / (1 + Math.Abs(euler.Ys[k][i])));
            }
            results.Add(new DepthResult(depth, worst, Row(states[depth], 0)));
        }
        return results.ToArray();
    }

    /// <summary>H(1) by classical RK4 with N = 20 000 steps (MathNet).</summary>
    internal static Vector<double> Reference() =>
        FixedStepIntegrator.Integrate(ButcherTableau.Rk4, Field(), Vector<double>.Build.DenseOfArray(H0), [0.0, 1.0], stepSize: 1.0 / 20_000).Final;

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var reference = Reference();
        double referenceError = (reference - Vector<double>.Build.DenseOfArray(ReferenceH1)).InfinityNorm();
        var results = TorchThreads.Single(() => Measure());
        double[] errors = results.Select(r => (r.Final - reference).L2Norm()).ToArray();
        double[] ratios = Enumerable.Range(1, errors.Length - 1).Select(i => errors[i - 1] / errors[i]).ToArray();
        double worstRatio = ratios.MaxBy(r => double.IsFinite(r) ? Math.Abs(r - 2) : double.PositiveInfinity);
        double worstEuler = results.Max(r => r.EulerMismatch);
        double worstLe = results.Select((r, i) => Math.Abs(r.Depth * errors[i] / SpecLTimesError - 1)).Max();
        double worstTable = results.Where(r => TableStates.ContainsKey(r.Depth))
            .Max(r => (r.Final - Vector<double>.Build.DenseOfArray(TableStates[r.Depth])).InfinityNorm());

        double[] ls = Depths.Select(l => (double)l).ToArray();
        var plot = Ode.OdeCheckSupport.LogLog("ResNet (alpha = 1/L) vs the neural ODE, spec 7.2", "depth L", "||h_L - H(1)||",
            ("ResNet = Euler with step 1/L", ls, errors),
            ("slope -1", ls, ls.Select(l => errors[0] * Depths[0] / l).ToArray()));
        string figure = context.SaveFigure(plot, Id);

        bool passed = worstEuler <= EulerTolerance && worstLe <= LTimesErrorRelative && worstTable <= TableTolerance && referenceError <= TableTolerance;
        string note = Inv($"RK4 (N = 20000) H(1) vs the spec's {referenceError:E1}. Worst Euler mismatch {worstEuler:E2} x (1 + |value|) (tolerance 1e-14); ") +
            Inv($"worst |L e_L / 0.3737 - 1| = {worstLe:E2} (tolerance 0.01); worst |h_L - table| = {worstTable:E2} (tolerance 1e-11). ") +
            string.Join(", ", results.Select((r, i) => Inv($"L {r.Depth}: e_L {errors[i]:E4}, L e_L {r.Depth * errors[i]:F6}"))) +
            ". Ratios e_L/e_2L: " + string.Join(", ", ratios.Select(r => Inv($"{r:F4}"))) + ".";
        var result = CheckResult.Within(worstRatio, 2, RatioTolerance, note);
        return result with { Passed = result.Passed && passed, FigurePath = figure };
    }
}
