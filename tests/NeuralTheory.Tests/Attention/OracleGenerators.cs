using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Tests.Attention;

/// <summary>How the design matrix of an <see cref="OracleProblem"/> was conditioned.</summary>
public enum Conditioning
{
    /// <summary>Entries i.i.d. uniform on [−2, 2].</summary>
    Plain,

    /// <summary>One column multiplied by 1e−4 (an eigenvalue of C about 1e−8 times the others).</summary>
    ScaledColumn,

    /// <summary>One column replaced by <c>(1 − 1e−6)·x_a + 1e−6·x_b</c> of two columns (near-collinear; needs d ≥ 2).</summary>
    NearCollinear,
}

/// <summary>One in-context regression prompt for the oracle comparisons: <c>X (N×d)</c>, <c>Y (N×o)</c>, <c>x_q</c>, <c>W0 (o×d)</c>.</summary>
public sealed record OracleProblem(Matrix<double> X, Matrix<double> Y, Vector<double> Xq, Matrix<double> W0, Conditioning Conditioning)
{
    public int D => X.ColumnCount;
    public int N => X.RowCount;
    public int O => Y.ColumnCount;

    /// <summary><c>λ_max(C)</c>, <c>C = XᵀX/N</c> (= σ_max(X)²/N).</summary>
    public double LambdaMaxC => Math.Pow(X.L2Norm(), 2) / N;

    /// <summary><c>λ_max(S)</c>, <c>S = XᵀX</c>.</summary>
    public double LambdaMaxS => Math.Pow(X.L2Norm(), 2);

    public override string ToString() =>
        $"d={D}, N={N}, o={O}, {Conditioning}, X={X.ToMatrixString()}, Y={Y.ToMatrixString()}, xq={Xq.ToVectorString()}, W0={W0.ToMatrixString()}";
}

/// <summary>
/// A batch of <see cref="OracleProblem"/>s of equal sizes plus the construction's hyper-parameter draws: <c>Fractions</c>
/// in [0.01, 0.99] (turned into η, γ, α as fractions of each instance's stability bound) and <c>Shapes</c>, random
/// d×d matrices in [−2, 2] (turned into preconditioners).
/// </summary>
public sealed record OracleInstance(IReadOnlyList<OracleProblem> Problems, int Layers, bool Shared, bool Symmetric, double[] Fractions, Matrix<double>[] Shapes)
{
    public override string ToString() =>
        $"B={Problems.Count}, L={Layers}, shared={Shared}, symmetric={Symmetric}, fractions=[{string.Join(", ", Fractions)}], problems: {string.Join(" | ", Problems)}";
}

/// <summary>
/// Generators for the module-vs-oracle properties: N = 1..32, d = 1..8, o = 1..3 (GD only), entries in [−2, 2], including
/// N &lt; d and the ill-conditioned designs of <see cref="Conditioning"/>.
/// </summary>
internal static class OracleGenerators
{
    public static Gen<double> Fraction => Gen.Choose(10_000, 990_000).Select(i => i / 1e6);

    private static Matrix<double> Condition(Matrix<double> x, Conditioning kind, int a, int b)
    {
        var c = x.Clone();
        switch (kind)
        {
            case Conditioning.ScaledColumn:
                c.SetColumn(a, x.Column(a) * 1e-4);
                break;
            case Conditioning.NearCollinear when x.ColumnCount >= 2:
                int other = b == a ? (a + 1) % x.ColumnCount : b;
                c.SetColumn(a, (1 - 1e-6) * x.Column(other) + 1e-6 * x.Column(a));
                break;
        }
        return c;
    }

    public static Gen<OracleProblem> Problem(int n, int d, int o, bool wellConditioned) =>
        from x in AttentionGenerators.MatrixGen(n, d)
        from kind in wellConditioned ? Gen.Constant(Conditioning.Plain)
            : Gen.Elements(Conditioning.Plain, Conditioning.ScaledColumn, Conditioning.NearCollinear)
        from a in Gen.Choose(0, d - 1)
        from b in Gen.Choose(0, d - 1)
        from y in AttentionGenerators.MatrixGen(n, o)
        from xq in AttentionGenerators.MatrixGen(1, d)
        from w0 in AttentionGenerators.MatrixGen(o, d)
        select new OracleProblem(Condition(x, kind, a, b), y, xq.Row(0),
            w0, kind == Conditioning.NearCollinear && d < 2 ? Conditioning.Plain : kind);

    /// <summary>Instances with <c>batch</c> prompts (1 = single prompt), up to <paramref name="maxLayers"/> layers.</summary>
    public static Arbitrary<OracleInstance> Instances(int maxOutput, int maxLayers, bool wellConditioned = false, int minBatch = 1, int maxBatch = 1) =>
        (from d in Gen.Choose(1, 8)
         from n in Gen.Choose(1, 32)
         from o in Gen.Choose(1, maxOutput)
         from batch in Gen.Choose(minBatch, maxBatch)
         from problems in Problem(n, d, o, wellConditioned).ArrayOf(batch)
         from layers in Gen.Choose(0, maxLayers)
         from shared in Gen.Elements(true, false)
         from symmetric in Gen.Elements(true, false)
         from fractions in Fraction.ArrayOf(2 * maxLayers + 2)
         from shapes in AttentionGenerators.MatrixGen(d, d).ArrayOf(maxLayers)
         select new OracleInstance(problems, layers, shared, symmetric, fractions, shapes)).ToArbitrary();
}
