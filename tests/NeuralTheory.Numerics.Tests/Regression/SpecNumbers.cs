using MathNet.Numerics.LinearAlgebra;

namespace NeuralTheory.Numerics.Tests.Regression;

/// <summary>
/// Golden numbers of the ICL-regression area. Source: <c>specs/attention-icl-regression.md</c>, Section 7
/// ("Checkable numbers", computed in float64 by the spec's author, exact fractions where known). Each block names its
/// subsection. The spec prints about 15 significant digits, hence <see cref="Tolerance"/>.
/// </summary>
internal static class SpecNumbers
{
    /// <summary>Relative tolerance matching the spec's ~15 printed significant digits.</summary>
    public const double Tolerance = 1e-13;

    private static Matrix<double> M(double[,] a) => Matrix<double>.Build.DenseOfArray(a);
    private static Vector<double> V(params double[] a) => Vector<double>.Build.DenseOfArray(a);

    // ---- 7.1 Instance I1 ----
    public static Matrix<double> X => M(new[,] { { 1.0, 0.5 }, { -0.5, 1.0 }, { 2.0, -1.0 } });
    public static Vector<double> Y => V(0.5, 1.5, -1.0);
    public static Vector<double> Xq => V(1.0, 2.0);
    public static Matrix<double> C => M(new[,] { { 7.0 / 4, -2.0 / 3 }, { -2.0 / 3, 3.0 / 4 } });
    public static Vector<double> B => V(-3.0 / 4, 11.0 / 12);
    public const double Loss0 = 0.583333333333333;

    public static readonly double[][] GdZeroStartWeights =
    [
        [-0.075, 0.0916666666666667],
        [-0.130763888888889, 0.171458333333333],
        [-0.171449652777778, 0.241548032407407],
    ];
    public static readonly double[] GdZeroStartPredictions = [0.108333333333333, 0.212152777777778, 0.311646412037037];
    public static readonly double[] GdZeroStartLosses = [0.455711805555556, 0.369023347077546, 0.308536103226357];

    public static Vector<double> W0 => V(0.3, -0.2);
    public static readonly double[][] GdW0StartWeights =
    [
        [0.159166666666667, -0.0733333333333333],
        [0.0514236111111111, 0.0344444444444444],
        [-0.030279224537037, 0.126956018518519],
    ];
    public static readonly double[] GdW0StartPredictions = [0.0125, 0.1203125, 0.2236328125];
    public static readonly double[] GdW0StartLosses = [0.801895978009259, 0.591904875829877, 0.453656731813969];

    public const double OptimalEta = 0.8;
    public static readonly int[] OptimalEtaSteps = [1, 2, 3, 5, 10, 20, 40, 60];
    public static readonly double[] OptimalEtaPredictions =
        [0.866666666666667, 1.44444444444444, 1.82962962962963, 2.25761316872428, 2.55491202221883, 2.59921810548446, 2.59999976486191, 2.59999999992929];

    // ---- 7.3 Preconditioned GD ----
    public static Matrix<double> PgdA => M(new[,] { { 0.2, 0.05 }, { 0.05, 0.1 } });
    public static readonly double[][] PgdWeights =
    [
        [-0.104166666666667, 0.0541666666666667],
        [-0.17015625, 0.108246527777778],
        [-0.210066478587963, 0.161447844328704],
    ];
    public static readonly double[] PgdPredictions = [0.00416666666666667, 0.0463368055555556, 0.112829210069444];

    // ---- 7.4 GD++ (η = 0.1, γ = 0.05) ----
    public static readonly Matrix<double>[] GdppTokens =
    [
        M(new[,] { { 0.929166666666667, 0.514583333333333, 0.529166666666667 }, { -0.422916666666667, 0.945833333333333, 1.37083333333333 },
                   { 1.79166666666667, -0.895833333333333, -0.758333333333333 }, { 0.979166666666667, 1.95833333333333, -0.108333333333333 } }),
        M(new[,] { { 0.87641077865789, 0.521403088981723, 0.535412341459298 }, { -0.36887397295163, 0.904143345208816, 1.27955685462481 },
                   { 1.64189129111208, -0.820945645556038, -0.604796157648534 }, { 0.959608478310667, 1.91921695662133, -0.207872028115355 } }),
        M(new[,] { { 0.834467135832592, 0.523965452847573, 0.530913951883096 }, { -0.328290330473565, 0.870044430809685, 1.20906903755954 },
                   { 1.52662509175681, -0.763312545878407, -0.497413717835549 }, { 0.941199020763869, 1.88239804152774, -0.299654831915597 } }),
    ];
    public static readonly double[] GdppPredictions = [0.108333333333333, 0.207872028115355, 0.299654831915597];
    public static readonly double[][] GdppV =
    [
        [-0.075, 0.0916666666666667],
        [-0.116507131317515, 0.162189579716435],
        [-0.141103546482661, 0.220379189199129],
    ];
    public static readonly Matrix<double>[] GdppA =
    [
        M(new[,] { { 0.9125, 0.0333333333333333 }, { 0.0333333333333333, 0.9625 } }),
        M(new[,] { { 0.848678212106964, 0.0554651331018518 }, { 0.0554651331018518, 0.931875911759741 } }),
        M(new[,] { { 0.7988898408555, 0.0711545899541848 }, { 0.0711545899541848, 0.905621725786777 } }),
    ];
    public const double KappaC = 5.0;
    public const double KappaC1 = 4.18515165233137;

    // ---- 7.5 OLS / ridge ----
    public static Vector<double> WOls => V(0.056, 1.272);
    public const double YOls = 2.6;
    public static Vector<double> WRidgeHalf => V(-0.0582010582010582, 0.957671957671958);
    public const double YRidgeHalf = 13.0 / 7;
    public static Vector<double> WRidgeOne => V(-1.0 / 9, 7.0 / 9);
    public const double YRidgeOne = 13.0 / 9;

    // ---- 7.6 Newton–Schulz ----
    public const double NewtonAlpha = 0.0255795445432778;
    public const double NewtonRho0 = 0.960031961651128;
    public static readonly double[] NewtonErrorNorms =
        [0.960031961651128, 0.921661367391714, 0.849459676142364, 0.721581741391889, 0.520680209510151, 0.271107880575535, 0.0734994829101586];
    public static readonly Matrix<double>[] NewtonM =
    [
        M(new[,] { { 0.134292608852208, -0.0511590890865556 }, { -0.0511590890865556, 0.0575539752223751 } }),
        M(new[,] { { 0.140534099493554, -0.0389315967034627 }, { -0.0389315967034627, 0.0821367044383604 } }),
        M(new[,] { { 0.15208645181717, -0.0158270963655302 }, { -0.0158270963655302, 0.128345807268874 } }),
        M(new[,] { { 0.172546921377298, 0.0250938427545955 }, { 0.0250938427545955, 0.210187685509191 } }),
    ];
    public static readonly double[] NewtonPredictions =
        [0.103916899707066, 0.203680444781544, 0.391404842029855, 0.723887472381088, 1.24623145527361, 1.89511951050361,
         2.40890134443359, 2.58595434763104, 2.59992412294213, 2.59999999778564, 2.6];
    /// <summary>‖w_k − w_ols‖, k = 0..9, printed to 4 significant digits (k = 10: 2.9e−16, i.e. round-off).</summary>
    public static readonly double[] NewtonWeightErrors = [1.116, 1.072, 0.9877, 0.8390, 0.6054, 0.3152, 8.546e-2, 6.281e-3, 3.393e-5, 9.903e-10];
    public const double NewtonOneStepAlpha = 0.0492307692307692;
    public static readonly double[] NewtonOneStepAlphaPredictions =
        [0.2, 0.384615384615385, 0.712335002275831, 1.22950802167962, 1.87759682206134, 2.39928217250159, 2.58450475143243];
    public static Matrix<double> SingularSPlus => M(new[,] { { 0.04, 0.08 }, { 0.08, 0.16 } });

    // ---- 7.7 Optimal preconditioner / step ----
    public static Matrix<double> SigmaCorrelated => M(new[,] { { 1.0, 0.5 }, { 0.5, 2.0 } });
    public static Matrix<double> AStarCorrelated => M(new[,] { { 0.781860828772478, -0.172009382329945 }, { -0.172009382329945, 0.437842064112588 } });
    public const double RStarCorrelated = 0.677873338545739;
    public const double RStarDiag = 25.0 / 42;
    public const double RStarAh = 0.681756382740800;
    public static readonly double[] AStarAhDiagonal = [0.822622107969152, 0.822622107969152, 2.33576642335766, 4.32432432432432, 0.822622107969152];
    public static Matrix<double> AStarWhitenedCorrelated => M(new[,] { { 0.879120879120879, -0.21978021978022 }, { -0.21978021978022, 0.43956043956044 } });
    public const double RStarWhitenedCorrelated = 0.461538461538462;
    public const double RiskAtScaledAStar = 0.7011;   // printed to 4 digits, for both 0.9 A* and 1.1 A*

    /// <summary>[MA] table: N, d, σ², τ², η*, R*.</summary>
    public static readonly double[][] MahankaliTable =
    [
        [10, 10, 0, 1, 0.476190476190476, 5.23809523809524],
        [20, 5, 0, 1, 0.769230769230769, 1.15384615384615],
        [20, 5, 0.25, 1, 0.761904761904762, 1.44047619047619],
        [10, 2, 0.5, 1, 0.740740740740741, 1.01851851851852],
        [20, 5, 0.25, 0.2, 0.73394495412844, 0.51605504587156],
    ];

    // ---- 7.8 Uniform data ----
    public const double UniformEtaHalf = 200.0 / 33;
    public const double UniformRiskHalf = 0.412457912457912;
    public const double UniformHalfMseHalf = 0.206228956228956;
    public const double UniformEtaOne = 50.0 / 33;
    public const double UniformHalfMseOne = 0.824915824915825;

    // ---- helpers ----
    public static void Close(double expected, double actual, double relative = Tolerance)
    {
        double err = Math.Abs(actual - expected);
        Assert.True(err <= relative * Math.Max(Math.Abs(expected), 1e-300),
            $"expected {expected:R}, got {actual:R} (relative error {err / Math.Abs(expected):E2} > {relative:E0})");
    }

    public static void Close(double[] expected, Vector<double> actual, double relative = Tolerance) =>
        Close(Vector<double>.Build.DenseOfArray(expected), actual, relative);

    public static void Close(Vector<double> expected, Vector<double> actual, double relative = Tolerance)
    {
        double e = NeuralTheory.Numerics.Common.Discrepancy.RelativeMaxError(actual, expected);
        Assert.True(e <= relative, $"expected {expected}, got {actual} (relative max error {e:E2} > {relative:E0})");
    }

    public static void Close(Matrix<double> expected, Matrix<double> actual, double relative = Tolerance)
    {
        double e = NeuralTheory.Numerics.Common.Discrepancy.RelativeMaxError(actual, expected);
        Assert.True(e <= relative, $"expected {expected}, got {actual} (relative max error {e:E2} > {relative:E0})");
    }
}
