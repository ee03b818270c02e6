using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Common;
using NeuralTheory.Numerics.PolicyEvaluation;
using NeuralTheory.PolicyEvaluation;
using ScottPlot;
using static TorchSharp.torch;

namespace NeuralTheory.Lab.Checks.PolicyEvaluation;

/// <summary>
/// <c>td.invariant-set</c>: for one layer, the set <c>H = {P = ρE_{2d,2d}; Q[2d, 0:d] = 0; Q[:, d:2d+1] = 0}</c> of TD-shaped
/// parameters is invariant under multi-task TD when the task distribution is symmetric under <c>r → −r</c> (Wang, Blaser,
/// Daneshmand, Zhang 2024, arXiv:2405.13861, the single-layer invariant-set analysis; spec 6.4, our own exactly checkable form).
/// </summary>
/// <remarks>
/// <para>Part 1 (spec 6.4's check): <c>d = 3</c>, <c>S = 6</c>, <c>n = 15</c>, <c>B = 64</c>, float64, <c>θ ∈ H</c> with <c>ρ = 0.7</c>,
/// <c>A = Q[0:d,0:d] = −0.5 I + 0.05 N(0,1)</c>, <c>B = Q[d:2d,0:d] = 0.05 N(0,1)</c>; the semi-gradient of the loss summed over 20 Boyan
/// MRPs, each trajectory used with <c>r</c> and with <c>−r</c>. The components that leave <c>H</c> (<c>P[2d, 0:2d]</c> and
/// <c>Q[2d, 0:d]</c>: odd in the rewards; <c>P[0:2d, :]</c> and <c>Q[:, d:]</c>: identically 0 for <c>L = 1</c>) must vanish; IEEE
/// arithmetic is sign-symmetric, so they come out as exact zeros. Part 2: 200 MRPs of antithetic SGD (lr 1e−3, no weight
/// decay) from the same <c>θ</c>: every off-<c>H</c> entry must still be exactly 0 at the end.</para>
/// <para>Measured: the largest |off-<c>H</c>| value over both parts (gradient components and final parameters); expected 0,
/// tolerance 1e−12 (spec 6.4). The note reports the in-<c>H</c> gradient sizes and how <c>ρ·A</c> and <c>ρ·B</c> evolve (spec 6.4
/// expects <c>ρA</c> to approach a negative multiple of <c>I</c>; whether <c>B → 0</c> is not claimed).</para>
/// </remarks>
public sealed class InvariantSetCheck : Check
{
    internal const int FeatureDim = 3, States = 6, ContextLength = 15, BatchSize = 64, GradientTasks = 20, SgdTasks = 200;
    internal const double Tolerance = 1e-12;

    /// <inheritdoc />
    public override string Id => "td.invariant-set";

    /// <inheritdoc />
    public override string Claim =>
        "For L = 1 the TD-shaped set H is invariant under antithetic multi-task TD: measured = max |off-H component| of the summed semi-gradient (20 MRPs x {r, -r}) " +
        "and of the parameters after 200 MRPs of antithetic SGD from theta in H, float64; expected 0, tolerance 1e-12 (spec 6.4).";

    /// <inheritdoc />
    public override string Source =>
        "Wang, Blaser, Daneshmand, Zhang 2024, arXiv:2405.13861 (single-layer invariant set of multi-task TD); spec in-context-td 6.4";

    /// <summary>A layer in <c>H</c>: <c>P = ρE</c>, <c>Q[0:d,0:d] = −0.5I + 0.05N</c>, <c>Q[d:2d,0:d] = 0.05N</c>.</summary>
    internal static (Matrix<double> P, Matrix<double> Q) Start(SeededRandom random, double rho = 0.7)
    {
        int d = FeatureDim, dim = 2 * d + 1;
        var p = Matrix<double>.Build.Dense(dim, dim);
        p[2 * d, 2 * d] = rho;
        var q = Matrix<double>.Build.Dense(dim, dim);
        q.SetSubMatrix(0, 0, -0.5 * Matrix<double>.Build.DenseIdentity(d) + random.GaussianMatrix(d, d, 0.05));
        q.SetSubMatrix(d, 0, random.GaussianMatrix(d, d, 0.05));
        return (p, q);
    }

    /// <summary>Largest |entry| of <paramref name="p"/>, <paramref name="q"/> (or of their gradients) outside <c>H</c>.</summary>
    internal static double OffH(Matrix<double> p, Matrix<double> q)
    {
        int d = FeatureDim, dim = 2 * d + 1;
        double worst = 0;
        for (int i = 0; i < dim; i++)
            for (int j = 0; j < dim; j++)
            {
                if (!(i == 2 * d && j == 2 * d)) worst = Math.Max(worst, Math.Abs(p[i, j]));
                bool freeQ = j < d && i < 2 * d;
                if (!freeQ) worst = Math.Max(worst, Math.Abs(q[i, j]));
            }
        return worst;
    }

    private static TdTransformer Model(Matrix<double> p, Matrix<double> q, Device device)
    {
        using var scope = NewDisposeScope();
        var layer = new LinearSelfAttention(p.ToTensor(device: device), q.ToTensor(device: device));
        return new TdTransformer(new LinearTransformer([layer]), FeatureDim, ContextLength);
    }

    private static (Matrix<double> P, Matrix<double> Q) Weights(TdTransformer model)
    {
        using var scope = NewDisposeScope();
        var layer = model.Layer(0);
        return (layer.P![0].detach().cpu().ToMatrix(), layer.Q![0].detach().cpu().ToMatrix());
    }

    /// <summary>The two parts of the check: off-H gradient, in-H gradient sizes, off-H after SGD, and the final weights.</summary>
    internal static (double OffHGradient, double InHGradient, double OffHAfterSgd, Matrix<double> P, Matrix<double> Q, Matrix<double> Q0) Measure(int seed, Device device, int sgdTasks = SgdTasks)
    {
        var random = new SeededRandom(seed);
        var (p0, q0) = Start(random);
        double offGrad, inGrad;
        using (var scope = NewDisposeScope())
        {
            using var model = Model(p0, q0, device);
            foreach (var param in model.TrainableParameters()) param.grad?.zero_();
            for (int t = 0; t < GradientTasks; t++)
            {
                using var inner = NewDisposeScope();
                var mrp = RandomMrp.Boyan(States, FeatureDim, 0.9, random);
                var states = Trajectory.Sample(mrp, ContextLength + 2 + BatchSize, random);
                var (z, rewards) = SlidingWindowPrompts.Build(mrp, states, ContextLength, ScalarType.Float64, device);
                var (zNeg, rewardsNeg) = SlidingWindowPrompts.Build(mrp, states, ContextLength, ScalarType.Float64, device, rewardSign: -1);
                (MultiTaskTdTrainer.Loss(model, z, rewards, 0.9) + MultiTaskTdTrainer.Loss(model, zNeg, rewardsNeg, 0.9)).backward();
            }
            var layer = model.Layer(0);
            var gp = layer.P!.grad![0].cpu().ToMatrix();
            var gq = layer.Q!.grad![0].cpu().ToMatrix();
            offGrad = OffH(gp, gq);
            inGrad = Math.Max(Math.Abs(gp[2 * FeatureDim, 2 * FeatureDim]), gq.SubMatrix(0, 2 * FeatureDim, 0, FeatureDim).Enumerate().Max(Math.Abs));
        }
        using var trained = Model(p0, q0, device);
        var result = new MultiTaskTdTrainer(new MultiTaskTdOptions
        {
            States = States, Discount = 0.9, Tasks = sgdTasks, MinibatchesPerTask = 5, BatchSize = BatchSize,
            LearningRate = 1e-3, WeightDecay = 0, Optimizer = TdOptimizer.Sgd, Antithetic = true, Seed = seed + 1,
        }).Train(trained);
        var (p, q) = Weights(trained);
        double offAfter = result.Diverged ? double.PositiveInfinity : OffH(p, q);
        return (offGrad, inGrad, offAfter, p, q, q0);
    }

    /// <inheritdoc />
    public override CheckResult Run(CheckContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var m = TorchThreads.Single(() => Measure(context.Seed + 11, context.Device));
        int d = FeatureDim;
        double rho = m.P[2 * d, 2 * d];
        var rhoA = rho * m.Q.SubMatrix(0, d, 0, d);
        var rhoB = rho * m.Q.SubMatrix(d, d, 0, d);
        var rhoA0 = 0.7 * m.Q0.SubMatrix(0, d, 0, d);
        var rhoB0 = 0.7 * m.Q0.SubMatrix(d, d, 0, d);
        string figure = context.SaveFigure(NeuralTheory.Lab.Training.TrainedAttention.HeatMaps(
            [("rho A at start", rhoA0), ("rho A after SGD", rhoA), ("rho B after SGD", rhoB)],
            string.Create(CultureInfo.InvariantCulture, $"L = 1, antithetic SGD, {SgdTasks} MRPs: theta stays in H"), symmetricRange: true), Id);
        string Diag(Matrix<double> x) => "(" + string.Join(", ", Enumerable.Range(0, d).Select(j => x[j, j].ToString("F3", CultureInfo.InvariantCulture))) + ")";
        double OffDiag(Matrix<double> x) => Enumerable.Range(0, d).SelectMany(i => Enumerable.Range(0, d).Where(j => j != i).Select(j => Math.Abs(x[i, j]))).Max();
        double worst = Math.Max(m.OffHGradient, m.OffHAfterSgd);
        string note = string.Create(CultureInfo.InvariantCulture,
            $"summed semi-gradient over {GradientTasks} MRPs x {{r, -r}} (float64): max |off-H| = {m.OffHGradient:E1} (spec 6.4: exactly 0), max |in-H| = {m.InHGradient:F3} (O(1)); " +
            $"after {SgdTasks} MRPs of antithetic SGD (lr 1e-3, wd 0): max |off-H| = {m.OffHAfterSgd:E1}; rho = P[2d,2d] {0.7:F2} -> {rho:F3}; " +
            $"diag(rho A) {Diag(rhoA0)} -> {Diag(rhoA)}, max |offdiag(rho A)| {OffDiag(rhoA0):F3} -> {OffDiag(rhoA):F3}; " +
            $"max |rho B| {rhoB0.Enumerate().Max(Math.Abs):F3} -> {rhoB.Enumerate().Max(Math.Abs):F3}");
        return CheckResult.Within(worst, 0, Tolerance, note) with { FigurePath = figure };
    }
}
