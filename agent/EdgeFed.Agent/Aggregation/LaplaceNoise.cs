using System.Security.Cryptography;
using EdgeFed.Protocol.V1;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Aggregation;

/// <summary>
/// Adds Laplace noise to a cell's sums and counts (see <see cref="PrivacyOptions"/>); noisy values are then clamped at
/// zero and counts rounded, which is post-processing and keeps the guarantee. Draws from a cryptographic generator
/// unless a seeded one is given (tests).
/// </summary>
public sealed class LaplaceNoise(IOptions<PrivacyOptions> options, Random? random = null)
{
    public bool Enabled => options.Value.Epsilon > 0;

    public void Apply(AggregateCell cell)
    {
        if (!Enabled)
        {
            return;
        }

        var o = options.Value;
        cell.MinerCount = (uint)Math.Max(0, Math.Round(cell.MinerCount + Sample(1 / o.Epsilon)));
        cell.HashrateThs = Math.Max(0, cell.HashrateThs + Sample(o.HashrateSensitivityThs / o.Epsilon));
        cell.PowerW = Math.Max(0, cell.PowerW + Sample(o.PowerSensitivityW / o.Epsilon));
        cell.PowerReportingMiners = (uint)Math.Max(0, Math.Round(cell.PowerReportingMiners + Sample(1 / o.Epsilon)));
        cell.AcceptedShares = (ulong)Math.Max(0, Math.Round(cell.AcceptedShares + Sample(o.SharesSensitivity / o.Epsilon)));
        cell.RejectedShares = (ulong)Math.Max(0, Math.Round(cell.RejectedShares + Sample(o.SharesSensitivity / o.Epsilon)));
        if (cell.ShareMiners > 0)
        {
            cell.ShareHashrateThs = Math.Max(0, cell.ShareHashrateThs + Sample(o.HashrateSensitivityThs / o.Epsilon));
            cell.ShareApiHashrateThs = Math.Max(0, cell.ShareApiHashrateThs + Sample(o.HashrateSensitivityThs / o.Epsilon));
            cell.ShareCount = (ulong)Math.Max(1, Math.Round(cell.ShareCount + Sample(o.SharesSensitivity / o.Epsilon))); // still a measured cell
        }
    }

    /// <summary>One draw from Laplace(0, scale) by inverse transform.</summary>
    public double Sample(double scale)
    {
        double u;
        do
        {
            u = Uniform() - 0.5;
        }
        while (Math.Abs(u) >= 0.5);

        return -scale * Math.Sign(u) * Math.Log(1 - 2 * Math.Abs(u));
    }

    private double Uniform() => random?.NextDouble() ?? (RandomNumberGenerator.GetInt32(int.MaxValue) / (double)int.MaxValue);
}
