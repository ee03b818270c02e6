using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Random;

namespace NeuralTheory.Numerics.Common;

/// <summary>
/// Reproducible random draws for problem generators and checks: every draw comes from an explicit seed, through
/// MathNet's Mersenne Twister (<see cref="MersenneTwister"/>), so the same seed gives the same numbers on every
/// machine and thread.
/// </summary>
public sealed class SeededRandom
{
    private readonly MersenneTwister _source;
    private readonly Normal _normal;

    /// <summary>Creates a generator from a seed.</summary>
    public SeededRandom(int seed)
    {
        Seed = seed;
        _source = new MersenneTwister(seed, threadSafe: false);
        _normal = new Normal(0.0, 1.0, _source);
    }

    /// <summary>The seed this generator was created with.</summary>
    public int Seed { get; }

    /// <summary>The underlying source, for MathNet distributions.</summary>
    public System.Random Source => _source;

    /// <summary>A standard normal draw.</summary>
    public double NextGaussian() => _normal.Sample();

    /// <summary>A uniform draw on [0, 1).</summary>
    public double NextUniform() => _source.NextDouble();

    /// <summary>A <paramref name="rows"/> × <paramref name="columns"/> matrix of i.i.d. N(0, σ²) entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is not positive or σ is negative or not finite.</exception>
    public Matrix<double> GaussianMatrix(int rows, int columns, double sigma = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        CheckSigma(sigma);
        // Fill sequentially, column-major: MathNet's Dense(rows, columns, init) may run init in parallel for large sizes,
        // which breaks both the determinism and the (non-thread-safe) Mersenne Twister.
        var values = new double[rows * columns];
        for (int i = 0; i < values.Length; i++) values[i] = sigma * _normal.Sample();
        return Matrix<double>.Build.Dense(rows, columns, values);
    }

    /// <summary>A vector of <paramref name="count"/> i.i.d. N(0, σ²) entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is not positive or σ is negative or not finite.</exception>
    public Vector<double> GaussianVector(int count, double sigma = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        CheckSigma(sigma);
        var values = new double[count];   // sequential, see GaussianMatrix
        for (int i = 0; i < count; i++) values[i] = sigma * _normal.Sample();
        return Vector<double>.Build.Dense(values);
    }

    private static void CheckSigma(double sigma)
    {
        if (!double.IsFinite(sigma) || sigma < 0)
            throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "The standard deviation must be finite and non-negative.");
    }
}
