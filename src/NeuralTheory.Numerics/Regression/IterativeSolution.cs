using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Regression;

/// <summary>
/// The record of an iterative in-context regression solver run for <c>K</c> steps: iterates <c>W_k ∈ R^{o×d}</c>,
/// query predictions <c>ŷ_k = W_k x_q</c> and training losses <c>L(W_k) = (1/(2N)) Σ_i ‖W_k x_i − y_i‖²</c> for
/// <c>k = 0..K</c> — the per-layer quantities a K-layer linear self-attention stack is compared with (von Oswald et
/// al. 2022, arXiv:2212.07677). For <c>o = 1</c> the iterates are 1×d and <see cref="Weights"/> gives <c>w_k</c>.
/// </summary>
public sealed record IterativeSolution
{
    internal IterativeSolution(IReadOnlyList<Matrix<double>> iterates, IReadOnlyList<Vector<double>> predictions, IReadOnlyList<double> losses)
    {
        Iterates = iterates;
        Predictions = predictions;
        Losses = losses;
    }

    /// <summary><c>W_0 .. W_K</c>, each o×d.</summary>
    public IReadOnlyList<Matrix<double>> Iterates { get; }

    /// <summary><c>ŷ_0 .. ŷ_K</c>, each of length o.</summary>
    public IReadOnlyList<Vector<double>> Predictions { get; }

    /// <summary><c>L(W_0) .. L(W_K)</c>.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>The step count <c>K</c>.</summary>
    public int Steps => Iterates.Count - 1;

    /// <summary>The last iterate <c>W_K</c>.</summary>
    public Matrix<double> Final => Iterates[^1];

    /// <summary><c>w_k</c> (the single row of <c>W_k</c>); only for <c>o = 1</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>o ≠ 1</c>.</exception>
    public Vector<double> Weights(int k) => Iterates[CheckIndex(k)].RowCount == 1 ? Iterates[k].Row(0)
        : throw new InvalidOperationException($"Weights(k) needs o = 1; the iterates have o = {Iterates[k].RowCount}.");

    /// <summary>Scalar <c>ŷ_k</c>; only for <c>o = 1</c>.</summary>
    /// <exception cref="InvalidOperationException"><c>o ≠ 1</c>.</exception>
    public double Prediction(int k) => Predictions[CheckIndex(k)].Count == 1 ? Predictions[k][0]
        : throw new InvalidOperationException($"Prediction(k) needs o = 1; the predictions have o = {Predictions[k].Count}.");

    private int CheckIndex(int k) => k >= 0 && k < Iterates.Count
        ? k : throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be an iterate index in [0, {Iterates.Count - 1}].");

    /// <summary>Builds the record from iterates: computes <c>ŷ_k = W_k x_q</c> and <c>L(W_k)</c> (inputs already validated).</summary>
    internal static IterativeSolution FromIterates(Matrix<double> x, Matrix<double> y, Vector<double> xq, IReadOnlyList<Matrix<double>> iterates)
    {
        var predictions = iterates.Select(w => w * xq).ToArray();
        var losses = iterates.Select(w => LeastSquaresLoss.ValueUnchecked(x, y, w)).ToArray();
        return new IterativeSolution(iterates, predictions, losses);
    }
}
