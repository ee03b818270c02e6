using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Attention;
using NeuralTheory.Attention.Constructions;
using NeuralTheory.Bridge;
using NeuralTheory.Numerics.Regression;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Tests.Attention;

/// <summary>The weight constructions of spec Section 4 compared here.</summary>
public enum Construction
{
    /// <summary>4.2, vs <see cref="GradientDescent"/>.</summary>
    Gd,

    /// <summary>4.4, vs <see cref="PreconditionedGradientDescent"/>.</summary>
    Pgd,

    /// <summary>4.5, vs <see cref="GdPlusPlus.RunTokens(Matrix{double}, Vector{double}, Vector{double}, IReadOnlyList{double}, IReadOnlyList{double})"/>.</summary>
    GdPlusPlus,

    /// <summary>4.6, vs <see cref="IterativeNewton"/>.</summary>
    Newton,
}

/// <summary>
/// Spec Section 5 (2–5) against the <c>NeuralTheory.Numerics.Regression</c> oracle (not test-local loops): the TorchSharp
/// forward of every construction, traced layer by layer, equals the reference algorithm on <b>every</b> entry of
/// <b>every</b> token after <b>every</b> layer, <c>|a − b| ≤ tol · max(1, |b|)</c> with tol = 1e−12 (float64),
/// 1e−10 (Newton–Schulz, whose coefficients grow like 2^K), 1e−5 (float32, well-conditioned, ≤ 5 layers).
/// Instances: N = 1..32, d = 1..8, o = 1..3 (GD), entries in [−2, 2], N &lt; d and ill-conditioned designs included;
/// hyper-parameters are random fractions of each instance's stability bound (η &lt; 2/λ_max(C), α &lt; 2/λ_max(S)²,
/// γ &lt; 1/λ_max(C)), so entries stay O(1) and the per-entry tolerance of spec 5 applies.
/// </summary>
public class OracleEquivalenceTests
{
    private const double Float64Tolerance = 1e-12;   // spec 5: float64 forward vs MathNet float64
    private const double NewtonTolerance = 1e-10;    // spec 5: Newton–Schulz construction
    private const double Float32Tolerance = 1e-5;    // spec 5 and 8: float32, ≤ 5 layers of O(1) data

    [Property(MaxTest = 40)]
    public Property Gd_stack_equals_gradient_descent_on_every_token_after_every_layer() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 3, maxLayers: 6), i => Compare(Construction.Gd, i, ScalarType.Float64, Float64Tolerance));

    [Property(MaxTest = 40)]
    public Property Preconditioned_stack_equals_preconditioned_gd_with_distinct_layer_matrices() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 1, maxLayers: 6), i => Compare(Construction.Pgd, i, ScalarType.Float64, Float64Tolerance));

    [Property(MaxTest = 40)]
    public Property GdPlusPlus_stack_equals_the_token_recursion_on_all_token_states() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 1, maxLayers: 6), i => Compare(Construction.GdPlusPlus, i, ScalarType.Float64, Float64Tolerance));

    [Property(MaxTest = 40)]
    public Property Newton_stack_holds_scaled_M_k_x_for_every_token_and_reads_out_the_oracle_prediction() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 1, maxLayers: 6), i => Compare(Construction.Newton, i, ScalarType.Float64, NewtonTolerance));

    [Property(MaxTest = 40)]
    public Property Float32_stacks_match_the_float64_oracle_on_well_conditioned_instances() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 3, maxLayers: 5, wellConditioned: true),
            Gen.Elements(Construction.Gd, Construction.Pgd, Construction.GdPlusPlus, Construction.Newton).ToArbitrary(),
            (i, kind) => Compare(kind, i, ScalarType.Float32, Float32Tolerance));

    [Property(MaxTest = 30)]
    public Property A_batch_of_prompts_matches_each_prompts_own_oracle() =>
        Prop.ForAll(OracleGenerators.Instances(maxOutput: 3, maxLayers: 4, minBatch: 2, maxBatch: 5),
            Gen.Elements(Construction.Gd, Construction.Pgd, Construction.GdPlusPlus, Construction.Newton).ToArbitrary(),
            (i, kind) => Compare(kind, i, ScalarType.Float64, kind == Construction.Newton ? NewtonTolerance : Float64Tolerance));

    /// <summary>The property is able to fail: an η mismatch between module and oracle is caught on a plain instance.</summary>
    [Fact]
    public void A_step_size_mismatch_is_caught()
    {
        var x = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 0.5 }, { -0.5, 1.0 }, { 2.0, -1.0 } });
        var y = Matrix<double>.Build.DenseOfArray(new[,] { { 0.5 }, { 1.5 }, { -1.0 } });
        var problem = new OracleProblem(x, y, Vector<double>.Build.DenseOfArray([1.0, 2.0]), Matrix<double>.Build.Dense(1, 2), Conditioning.Plain);
        using var scope = NewDisposeScope();
        using var model = GradientDescentConstruction.Build(2, 2, 0.1);
        using var trace = model.Trace(PromptBuilder.Build(x, y, problem.Xq));
        var oracle = GradientDescent.Run(x, y, problem.Xq, 0.1 * (1 + 1e-9), 2);
        var expected = GdState(problem, oracle.Iterates[2]);
        Assert.True(MaxScaledError(trace.States[2][0].ToMatrix(), expected).Error > Float64Tolerance);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static Property Compare(Construction kind, OracleInstance inst, ScalarType dtype, double tol)
    {
        using var scope = NewDisposeScope();
        var (model, prompt, expected, readouts, scales, hyper) = Prepare(kind, inst, dtype);
        using (model)
        // Twice: with autograd on (weights are parameters, so the dense Gram form runs) and under no_grad (the exact
        // sparse-support form that inference with constructed weights takes).
        foreach (bool inference in new[] { false, true })
        using (inference ? no_grad() : null)
        using (var trace = model.Trace(prompt))
        {
            for (int b = 0; b < inst.Problems.Count; b++)
            {
                for (int l = 0; l < trace.States.Count; l++)
                {
                    var actual = trace.States[l][b].to_type(ScalarType.Float64).ToMatrix();
                    if (scales is not null) ScaleVBlock(actual, inst.Problems[b].D, scales[l]);
                    var (err, row, col) = MaxScaledError(actual, expected[b][l]);
                    if (!(err <= tol))
                        return false.Label($"{kind} {dtype} {hyper} inference={inference}: prompt {b}, state {l}, entry [{row},{col}] expected {expected[b][l][row, col]:R}, got {actual[row, col]:R}, scaled error {err:E3} > {tol:E1}; {inst}");
                    if (readouts[b][l] is { } want)
                    {
                        var got = trace.Readouts[l][b].to_type(ScalarType.Float64).ToVector();
                        for (int c = 0; c < want.Count; c++)
                            if (!(Math.Abs(got[c] - want[c]) <= tol * Math.Max(1, Math.Abs(want[c]))))
                                return false.Label($"{kind} {dtype} {hyper} inference={inference}: prompt {b}, readout {l}[{c}] expected {want[c]:R}, got {got[c]:R}; {inst}");
                    }
                }
            }
        }
        return true.ToProperty();
    }

    /// <summary>Model, batched prompt, expected states [prompt][state], expected readouts [prompt][state] (null: not defined), v-block scales (Newton).</summary>
    private static (LinearTransformer Model, Tensor Prompt, List<List<Matrix<double>>> Expected, List<List<Vector<double>?>> Readouts, double[]? Scales, string Hyper)
        Prepare(Construction kind, OracleInstance inst, ScalarType dtype)
    {
        var problems = inst.Problems;
        int d = problems[0].D, n = problems[0].N, layers = inst.Layers;
        double lambdaC = Math.Max(problems.Max(p => p.LambdaMaxC), 1e-12);
        double StableEta(double f) => f * Math.Min(2 / lambdaC, 1.5);
        var expected = new List<List<Matrix<double>>>();
        var readouts = new List<List<Vector<double>?>>();
        Tensor Batch(Func<OracleProblem, Tensor> build) => cat(problems.Select(build).ToArray(), 0);

        switch (kind)
        {
            case Construction.Gd:
            {
                double eta = StableEta(inst.Fractions[0]);
                var w0 = problems[0].W0;   // one module, one W0 for the whole batch
                int o = problems[0].O;
                var model = GradientDescentConstruction.Build(d, layers, eta, w0, o, inst.Shared, dtype: dtype);
                foreach (var p in problems)
                {
                    var q = p with { W0 = w0 };
                    var oracle = GradientDescent.Run(q.X, q.Y, q.Xq, eta, layers, w0);
                    expected.Add(oracle.Iterates.Select(w => GdState(q, w)).ToList());
                    readouts.Add(oracle.Predictions.Select(v => (Vector<double>?)v).ToList());
                }
                return (model, Batch(p => PromptBuilder.Build(p.X, p.Y, p.Xq, w0, dtype: dtype)), expected, readouts, null, $"η={eta:R}");
            }
            case Construction.Pgd:
            {
                var preconditioners = new List<Matrix<double>>();
                for (int l = 0; l < layers; l++)
                {
                    int src = inst.Shared ? 0 : l;    // shared: one A in one shared layer
                    var g = inst.Shapes[src];
                    var a = inst.Symmetric ? g * g.Transpose() + 0.1 * Matrix<double>.Build.DenseIdentity(d) : g;
                    double norm = a.L2Norm();
                    if (norm == 0) a = Matrix<double>.Build.DenseIdentity(d); else a /= norm;
                    preconditioners.Add(a * (inst.Fractions[src] / lambdaC));   // ‖A C‖₂ ≤ f < 1
                }
                var model = inst.Shared || layers == 0
                    ? PreconditionedGradientDescentConstruction.Build(layers == 0 ? Matrix<double>.Build.DenseIdentity(d) : preconditioners[0], layers, dtype)
                    : PreconditionedGradientDescentConstruction.Build(preconditioners, dtype);
                foreach (var p0 in problems)
                {
                    var p = SingleOutput(p0);
                    var oracle = PreconditionedGradientDescent.Run(p.X, p.Y.Column(0), p.Xq, preconditioners);
                    expected.Add(oracle.Iterates.Select(w => GdState(p, w)).ToList());
                    readouts.Add(oracle.Predictions.Select(v => (Vector<double>?)v).ToList());
                }
                return (model, Batch(p => PromptBuilder.Build(p.X, p.Y.Column(0), p.Xq, dtype: dtype)), expected, readouts, null,
                    $"A_ℓ ({(inst.Symmetric ? "SPD" : "general")})={string.Join(";", preconditioners.Select(a => a.ToMatrixString()))}");
            }
            case Construction.GdPlusPlus:
            {
                var etas = new double[layers];
                var gammas = new double[layers];
                for (int l = 0; l < layers; l++)
                {
                    int src = inst.Shared ? 0 : l;    // shared: constant (η, γ) in one shared layer
                    etas[l] = StableEta(inst.Fractions[2 * src]);
                    gammas[l] = inst.Fractions[2 * src + 1] / lambdaC;   // γ λ_max(C) < 1: no direction flips
                }
                var model = inst.Shared || layers == 0
                    ? GdPlusPlusConstruction.Build(d, layers, StableEta(inst.Fractions[0]), inst.Fractions[1] / lambdaC, dtype)
                    : GdPlusPlusConstruction.Build(d, etas.Zip(gammas).ToArray(), dtype);
                foreach (var p0 in problems)
                {
                    var p = SingleOutput(p0);
                    var oracle = GdPlusPlus.RunTokens(p.X, p.Y.Column(0), p.Xq, etas, gammas);
                    expected.Add(Enumerable.Range(0, layers + 1).Select(oracle.Tokens).ToList());
                    readouts.Add(oracle.Predictions.Select(v => (Vector<double>?)Vector<double>.Build.Dense(1, v)).ToList());
                }
                return (model, Batch(p => PromptBuilder.Build(p.X, p.Y.Column(0), p.Xq, dtype: dtype)), expected, readouts, null,
                    $"η={string.Join(",", etas)}, γ={string.Join(",", gammas)}");
            }
            case Construction.Newton:
            {
                int k = dtype == ScalarType.Float32 ? Math.Min(layers, 3) : layers;   // K + 2 layers: ≤ 5 in float32
                double lambdaS = Math.Max(problems.Max(p => p.LambdaMaxS), 1e-6);
                double alpha = inst.Shared
                    ? problems.Min(p => IterativeNewton.DefaultAlpha(p.X))                // [FU]'s default, the smallest in the batch
                    : inst.Fractions[0] * 2 / (lambdaS * lambdaS);                         // a random fraction of the bound 2/λ_max(S)²
                var model = NewtonSchulzConstruction.Build(d, k, alpha, n, dtype);
                foreach (var p0 in problems)
                {
                    var p = SingleOutput(p0);
                    var oracle = IterativeNewton.Run(p.X, p.Y.Column(0), p.Xq, k, alpha);
                    var tokens = p.X.Stack(p.Xq.ToRowMatrix());
                    var yCol = Vector<double>.Build.Dense(n + 1);
                    yCol.SetSubVector(0, n, p.Y.Column(0));
                    var states = new List<Matrix<double>> { NewtonState(tokens, Matrix<double>.Build.Dense(n + 1, d), yCol) };
                    foreach (var m in oracle.Inverses) states.Add(NewtonState(tokens, tokens * m, yCol));   // 2^k v_j = M_k x_j (M_k symmetric)
                    var wK = oracle.Solution.Weights(k);
                    var residual = yCol - tokens * wK;                  // context: y_i − x_iᵀ w_K
                    residual[n] = -oracle.Solution.Prediction(k);      // query: −ŷ_K
                    states.Add(NewtonState(tokens, tokens * oracle.Inverses[k], residual));
                    expected.Add(states);
                    var r = Enumerable.Repeat<Vector<double>?>(null, k + 3).ToList();
                    r[k + 2] = Vector<double>.Build.Dense(1, oracle.Solution.Prediction(k));
                    readouts.Add(r);
                }
                // State 0: v = 0; state l = 1..K+1 (after Newton layer l−1): scale 2^{l−1}; readout state: 2^K.
                var scales = Enumerable.Range(0, k + 3).Select(l => l == 0 ? 1.0 : Math.Pow(2, Math.Min(l - 1, k))).ToArray();
                return (model, Batch(p => PromptBuilder.Build(p.X, p.Y.Column(0), p.Xq, extraSlots: d, dtype: dtype)), expected, readouts, scales,
                    $"α={alpha:R}, K={k}");
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>PGD, GD++ and Newton–Schulz are defined for <c>o = 1</c> and <c>W0 = 0</c> (spec 3.2–3.4): first y column, zero start.</summary>
    private static OracleProblem SingleOutput(OracleProblem p) =>
        p with { Y = p.Y.SubMatrix(0, p.N, 0, 1), W0 = Matrix<double>.Build.Dense(1, p.D) };

    /// <summary>Spec 5.2: x-slots unchanged, context y-slots <c>y_i − (W − W0) x_i</c>, query y-slot <c>−W x_q</c>.</summary>
    private static Matrix<double> GdState(OracleProblem p, Matrix<double> w)
    {
        var z = Matrix<double>.Build.Dense(p.N + 1, p.D + p.O);
        z.SetSubMatrix(0, 0, p.X);
        z.SetRow(p.N, 0, p.D, p.Xq);
        z.SetSubMatrix(0, p.D, p.Y - p.X * (w - p.W0).Transpose());
        z.SetSubMatrix(p.N, p.D, -(w * p.Xq).ToRowMatrix());
        return z;
    }

    private static Matrix<double> NewtonState(Matrix<double> tokens, Matrix<double> v, Vector<double> y) =>
        tokens.Append(v).Append(y.ToColumnMatrix());

    private static void ScaleVBlock(Matrix<double> z, int d, double scale)
    {
        for (int r = 0; r < z.RowCount; r++)
            for (int c = d; c < 2 * d; c++)
                z[r, c] *= scale;
    }

    /// <summary>Largest <c>|a − b| / max(1, |b|)</c> over all entries (NaN counts as +∞) and where it occurs.</summary>
    private static (double Error, int Row, int Column) MaxScaledError(Matrix<double> actual, Matrix<double> expected)
    {
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.Equal(expected.ColumnCount, actual.ColumnCount);
        (double, int, int) worst = (0, 0, 0);
        for (int r = 0; r < expected.RowCount; r++)
            for (int c = 0; c < expected.ColumnCount; c++)
            {
                double e = Math.Abs(actual[r, c] - expected[r, c]) / Math.Max(1, Math.Abs(expected[r, c]));
                if (double.IsNaN(e)) e = double.PositiveInfinity;
                if (e > worst.Item1) worst = (e, r, c);
            }
        return worst;
    }
}
