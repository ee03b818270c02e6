using MathNet.Numerics.LinearAlgebra;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention.Constructions;

/// <summary>
/// Weights that make <c>L</c> linear self-attention layers run <c>L</c> steps of preconditioned gradient descent
/// <c>w_{ℓ+1} = w_ℓ − A_ℓᵀ (C w_ℓ − b)</c> from <c>w_0 = 0</c> (Ahn et al. 2023, "Transformers learn to implement
/// preconditioned gradient descent for in-context learning", arXiv:2306.00297, Lemma 1 and Theorem 3; spec 4.4):
/// per layer <c>P_ℓ = [[0_{d×d}, 0],[0, 1]]</c>, <c>Q_ℓ = −[[A_ℓ, 0],[0, 0]]</c>, <c>o = 1</c>.
/// </summary>
/// <remarks>
/// Token update <c>r_j ← r_j − (1/N) Σ_i r_i x_iᵀ A_ℓ x_j</c>; the query's y-slot after layer <c>ℓ</c> is <c>−ŷ_ℓ</c>,
/// context y-slots hold the residuals <c>y_i − w_ℓᵀ x_i</c>. <c>A_ℓ</c> may be any <c>d×d</c> matrix (step size folded in;
/// the transpose is immaterial for symmetric <c>A_ℓ</c>). Layer-dependent <c>A_ℓ</c> gives independent weights.
/// </remarks>
public static class PreconditionedGradientDescentConstruction
{
    /// <summary>Merged weights of one layer: <c>P = [[0,0],[0,1]]</c>, <c>Q = −[[A,0],[0,0]]</c> (<c>D = d + 1</c>).</summary>
    /// <param name="preconditioner"><c>A</c>, square <c>d × d</c>, finite.</param>
    /// <exception cref="ArgumentException"><paramref name="preconditioner"/> is not square or not finite.</exception>
    public static (Matrix<double> P, Matrix<double> Q) Weights(Matrix<double> preconditioner)
    {
        Check(preconditioner, nameof(preconditioner));
        int d = preconditioner.RowCount, dim = d + 1;
        var p = Matrix<double>.Build.Dense(dim, dim);
        p[d, d] = 1;
        var q = Matrix<double>.Build.Dense(dim, dim);
        q.SetSubMatrix(0, 0, -preconditioner);
        return (p, q);
    }

    /// <summary>A stack of <c>L = preconditioners.Count</c> independent layers, layer <c>ℓ</c> using <c>A_ℓ</c>.</summary>
    /// <param name="preconditioners"><c>A_0 … A_{L−1}</c>, at least one, all <c>d × d</c>, finite (for <c>L = 0</c> use the shared overload with <c>steps = 0</c>).</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">The list is empty, a matrix is not square, the sizes differ, or an entry is not finite.</exception>
    public static LinearTransformer Build(IReadOnlyList<Matrix<double>> preconditioners, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(preconditioners);
        if (preconditioners.Count == 0)
            throw new ArgumentException("Expected at least one preconditioner (one per layer); for L = 0 use the shared overload with steps = 0.", nameof(preconditioners));
        int d = preconditioners[0]?.RowCount ?? 0;
        for (int l = 0; l < preconditioners.Count; l++)
        {
            var a = preconditioners[l] ?? throw new ArgumentException($"Preconditioner {l} is null.", nameof(preconditioners));
            if (a.RowCount != d || a.ColumnCount != d)
                throw new ArgumentException($"Expected preconditioner {l} of shape (d, d) = ({d}, {d}), got ({a.RowCount}, {a.ColumnCount}).", nameof(preconditioners));
        }
        return ConstructionSupport.Stack(preconditioners.Select(a => Weights(a)).ToArray(), 1, dtype, device);
    }

    /// <summary>A stack of <paramref name="steps"/> shared layers, all using <paramref name="preconditioner"/>.</summary>
    /// <param name="preconditioner"><c>A</c>, square <c>d × d</c>, finite.</param>
    /// <param name="steps">Number of layers <c>L ≥ 0</c>.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or not finite.</exception>
    public static LinearTransformer Build(Matrix<double> preconditioner, int steps, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ConstructionSupport.AtLeast(steps, 0, nameof(steps), "L");
        return ConstructionSupport.Shared(Weights(preconditioner), steps, 1, dtype, device);
    }

    private static void Check(Matrix<double> a, string parameter)
    {
        ArgumentNullException.ThrowIfNull(a, parameter);
        if (a.RowCount != a.ColumnCount)
            throw new ArgumentException($"Expected a square preconditioner (d, d), got ({a.RowCount}, {a.ColumnCount}).", parameter);
        ConstructionSupport.FiniteMatrix(a, parameter);
    }
}
