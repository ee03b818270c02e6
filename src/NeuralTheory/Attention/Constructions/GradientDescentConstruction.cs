using MathNet.Numerics.LinearAlgebra;
using NeuralTheory.Bridge;
using TorchSharp;
using static TorchSharp.torch;

namespace NeuralTheory.Attention.Constructions;

/// <summary>
/// Weights that make <c>K</c> linear self-attention layers run <c>K</c> steps of gradient descent
/// <c>W_{k+1} = W_k − η (W_k C − B)</c> on <c>L(W) = (1/(2N)) Σ ‖W x_i − y_i‖²</c> from any start <c>W0</c>, any
/// output width <c>o ≥ 1</c> (von Oswald et al. 2022, "Transformers learn in-context by gradient descent",
/// arXiv:2212.07677, Proposition 1; spec 4.2): one head with
/// <c>W_Q = W_K = [[I_d, 0],[0, 0]]</c>, <c>W_V = [[0, 0],[W0, −I_o]]</c>, <c>W_O = [[0, 0],[0, η I_o]]</c>, i.e.
/// merged <c>P = [[0, 0],[η W0, −η I_o]]</c>, <c>Q = [[I_d, 0],[0, 0]]</c>.
/// </summary>
/// <remarks>
/// <para>After layer <c>k</c> (prompt built with the same <c>W0</c>): x-slots unchanged, context y-slots
/// <c>y_i − (W_k − W0) x_i</c>, query y-slot <c>−W_k x_q</c>, so the readout is <c>ŷ_k = W_k x_q</c>. Exact for every
/// <c>η &gt; 0</c>, also divergent ones (<c>η ≥ 2/λ_max(C)</c>).</para>
/// <para>Our layer carries the <c>1/N</c>, so the projection is <c>η I</c>; [VO]'s stored projection is <c>η/N</c>
/// and their Haiku matrices are the transposes of ours. The [AH] form (Ahn et al. 2023, arXiv:2306.00297; spec 4.3,
/// <c>W0 = 0</c>, <c>o = 1</c>) is <c>P = [[0, 0],[0, 1]]</c>, <c>Q = −η [[I, 0],[0, 0]]</c>, the same forward by the
/// scale symmetry <c>(cP, Q/c)</c>.</para>
/// </remarks>
public static class GradientDescentConstruction
{
    /// <summary>Merged weights <c>P = [[0, 0],[η W0, −η I_o]]</c>, <c>Q = [[I_d, 0],[0, 0]]</c> (<c>D = d + o</c>).</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="w0">Start <c>W0</c>, <c>o × d</c>; <c>null</c> means zero.</param>
    /// <param name="outputDim"><c>o ≥ 1</c>; must equal <c>W0.RowCount</c> when <paramref name="w0"/> is given.</param>
    /// <exception cref="ArgumentException">An argument is out of range, non-finite, or <paramref name="w0"/> is not <c>o × d</c>.</exception>
    public static (Matrix<double> P, Matrix<double> Q) Weights(int inputDim, double eta, Matrix<double>? w0 = null, int outputDim = 1)
    {
        Check(inputDim, eta, w0, outputDim);
        int d = inputDim, o = outputDim, dim = d + o;
        var p = Matrix<double>.Build.Dense(dim, dim);
        if (w0 is not null) p.SetSubMatrix(d, 0, w0 * eta);
        for (int a = 0; a < o; a++) p[d + a, d + a] = -eta;
        return (p, XBlockIdentity(d, dim));
    }

    /// <summary>Separate weights of spec 4.2 (<c>k = v = D</c>): <c>W_Q = W_K = [[I_d,0],[0,0]]</c>, <c>W_V = [[0,0],[W0,−I_o]]</c>, <c>W_O = [[0,0],[0,η I_o]]</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="w0">Start <c>W0</c>, <c>o × d</c>; <c>null</c> means zero.</param>
    /// <param name="outputDim"><c>o ≥ 1</c>.</param>
    /// <exception cref="ArgumentException">As for <see cref="Weights"/>.</exception>
    public static (Matrix<double> WQ, Matrix<double> WK, Matrix<double> WV, Matrix<double> WO) SeparateWeights(
        int inputDim, double eta, Matrix<double>? w0 = null, int outputDim = 1)
    {
        Check(inputDim, eta, w0, outputDim);
        int d = inputDim, o = outputDim, dim = d + o;
        var wv = Matrix<double>.Build.Dense(dim, dim);
        if (w0 is not null) wv.SetSubMatrix(d, 0, w0);
        var wo = Matrix<double>.Build.Dense(dim, dim);
        for (int a = 0; a < o; a++) { wv[d + a, d + a] = -1; wo[d + a, d + a] = eta; }
        return (XBlockIdentity(d, dim), XBlockIdentity(d, dim), wv, wo);
    }

    /// <summary>Merged weights in the [AH] form of spec 4.3 (<c>W0 = 0</c>, <c>o = 1</c>): <c>P = [[0,0],[0,1]]</c>, <c>Q = −η [[I_d,0],[0,0]]</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static (Matrix<double> P, Matrix<double> Q) AhnFormWeights(int inputDim, double eta)
    {
        Check(inputDim, eta, null, 1);
        int dim = inputDim + 1;
        var p = Matrix<double>.Build.Dense(dim, dim);
        p[inputDim, inputDim] = 1;
        return (p, XBlockIdentity(inputDim, dim) * -eta);
    }

    /// <summary>A stack of <paramref name="steps"/> layers running <paramref name="steps"/> GD steps from <paramref name="w0"/> (build the prompt with the same <c>W0</c>).</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="steps">Number of layers = GD steps <c>K ≥ 0</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="w0">Start <c>W0</c>, <c>o × d</c>; <c>null</c> means zero.</param>
    /// <param name="outputDim"><c>o ≥ 1</c>.</param>
    /// <param name="sharedWeights"><c>true</c>: one layer applied <c>K</c> times; <c>false</c>: <c>K</c> independent copies.</param>
    /// <param name="form">Merged <c>(P, Q)</c> or separate <c>(W_Q, W_K, W_V, W_O)</c> layers.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range, non-finite, of the wrong shape, or the device is unavailable.</exception>
    public static LinearTransformer Build(int inputDim, int steps, double eta, Matrix<double>? w0 = null, int outputDim = 1,
        bool sharedWeights = true, AttentionForm form = AttentionForm.Merged, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ConstructionSupport.AtLeast(steps, 0, nameof(steps), "K");
        Check(inputDim, eta, w0, outputDim);
        if (!Enum.IsDefined(form)) throw new ArgumentException($"Unknown attention form {form}.", nameof(form));
        ConstructionSupport.Dtype(dtype);
        DeviceCheck.Resolve(device, nameof(device));
        LinearSelfAttention MakeLayer()
        {
            if (form == AttentionForm.Merged)
                return ConstructionSupport.Layer(Weights(inputDim, eta, w0, outputDim), dtype, device);
            var (wq, wk, wv, wo) = SeparateWeights(inputDim, eta, w0, outputDim);
            using var scope = NewDisposeScope();
            return new LinearSelfAttention(wq.ToTensor(dtype, device), wk.ToTensor(dtype, device), wv.ToTensor(dtype, device), wo.ToTensor(dtype, device));
        }
        if (sharedWeights) return new LinearTransformer(MakeLayer(), steps, outputDim);
        return new LinearTransformer(Enumerable.Range(0, steps).Select(_ => MakeLayer()).ToArray(), outputDim);
    }

    /// <summary>A stack of <paramref name="steps"/> shared layers in the [AH] form (spec 4.3); same forward as <see cref="Build"/> with <c>W0 = 0</c>, <c>o = 1</c>.</summary>
    /// <param name="inputDim"><c>d ≥ 1</c>.</param>
    /// <param name="steps">Number of layers <c>K ≥ 0</c>.</param>
    /// <param name="eta">Step size <c>η &gt; 0</c>.</param>
    /// <param name="dtype">Float64 (default) or Float32.</param>
    /// <param name="device">Target device; CPU when <c>null</c>.</param>
    /// <exception cref="ArgumentException">An argument is out of range or the device is unavailable.</exception>
    public static LinearTransformer BuildAhnForm(int inputDim, int steps, double eta, ScalarType dtype = ScalarType.Float64, Device? device = null)
    {
        ConstructionSupport.AtLeast(steps, 0, nameof(steps), "K");
        return ConstructionSupport.Shared(AhnFormWeights(inputDim, eta), steps, 1, dtype, device);
    }

    private static Matrix<double> XBlockIdentity(int d, int dim)
    {
        var q = Matrix<double>.Build.Dense(dim, dim);
        for (int a = 0; a < d; a++) q[a, a] = 1;
        return q;
    }

    private static void Check(int inputDim, double eta, Matrix<double>? w0, int outputDim)
    {
        ConstructionSupport.AtLeast(inputDim, 1, nameof(inputDim), "d");
        ConstructionSupport.AtLeast(outputDim, 1, nameof(outputDim), "o");
        ConstructionSupport.Positive(eta, nameof(eta), "step size η");
        if (w0 is not null)
        {
            if (w0.RowCount != outputDim || w0.ColumnCount != inputDim)
                throw new ArgumentException($"Expected W0 of shape (o, d) = ({outputDim}, {inputDim}), got ({w0.RowCount}, {w0.ColumnCount}).", nameof(w0));
            ConstructionSupport.FiniteMatrix(w0, nameof(w0));
        }
    }
}
