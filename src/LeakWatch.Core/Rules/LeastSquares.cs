namespace LeakWatch.Core.Rules;

/// <summary>Ordinary least-squares slope of value against time, in units per second.</summary>
public static class LeastSquares
{
    public static double Slope(IReadOnlyList<SeriesPoint> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        // Seconds from the first point keep the sums small and exact enough.
        var origin = points[0].Timestamp;
        double meanX = 0, meanY = 0;
        foreach (var point in points)
        {
            meanX += (point.Timestamp - origin).TotalSeconds;
            meanY += point.Value;
        }

        meanX /= points.Count;
        meanY /= points.Count;
        double covariance = 0, variance = 0;
        foreach (var point in points)
        {
            var dx = (point.Timestamp - origin).TotalSeconds - meanX;
            covariance += dx * (point.Value - meanY);
            variance += dx * dx;
        }

        return variance == 0 ? 0 : covariance / variance;
    }

    public static double Slope(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 2)
        {
            return 0;
        }

        var meanX = points.Average(p => p.X);
        var meanY = points.Average(p => p.Y);
        double covariance = 0, variance = 0;
        foreach (var (x, y) in points)
        {
            covariance += (x - meanX) * (y - meanY);
            variance += (x - meanX) * (x - meanX);
        }

        return variance == 0 ? 0 : covariance / variance;
    }
}
