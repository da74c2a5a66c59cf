using System.Globalization;
using System.Text;

namespace OrleansLog.Cli.Perf;

/// <summary>One timed step of <c>perf partitions</c> and the silo's figures after it.</summary>
/// <param name="Name">create, describe, offsets, produce, describe-active, offsets-active or delete.</param>
/// <param name="Seconds">Wall time of the step.</param>
/// <param name="SiloAfter">The silo's memory and activations after the step; null when its metrics could not be read.</param>
public sealed record PartitionsStep(string Name, double Seconds, SiloMetrics? SiloAfter);

/// <summary>The figures of one <c>perf partitions</c> run on one topic.</summary>
/// <param name="Topic">The topic the run created.</param>
/// <param name="Partitions">Its partition count.</param>
/// <param name="SiloBefore">The silo's figures before the run.</param>
/// <param name="Steps">Each step, in order.</param>
/// <param name="IdleInDescribe">Partitions the first describe reported idle (not activated).</param>
/// <param name="Acknowledged">Records acknowledged by the produce step.</param>
/// <param name="Failed">Records that failed.</param>
/// <param name="LatestOffsetSum">The sum over partitions of the latest offsets listed after producing: must equal <paramref name="Acknowledged"/>.</param>
public sealed record PartitionsRun(
    string Topic,
    int Partitions,
    SiloMetrics? SiloBefore,
    IReadOnlyList<PartitionsStep> Steps,
    int IdleInDescribe,
    long Acknowledged,
    long Failed,
    long LatestOffsetSum)
{
    /// <summary>Seconds of the step named <paramref name="name"/> (NaN when the run has no such step).</summary>
    public double SecondsOf(string name)
    {
        foreach (var step in Steps)
        {
            if (step.Name == name)
            {
                return step.Seconds;
            }
        }

        return double.NaN;
    }

    /// <summary>Whether every acknowledged record is counted by the listed offsets and nothing failed.</summary>
    public bool Consistent => Failed == 0 && LatestOffsetSum == Acknowledged;

    /// <summary>One line per run: each step's time, and the silo's working set and activations before and after each step.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Partitions} partitions ({Topic}):");
        foreach (var step in Steps)
        {
            text.Append(CultureInfo.InvariantCulture, $" {step.Name} {step.Seconds:F2} s;");
        }

        text.Append(CultureInfo.InvariantCulture, $" idle in describe {IdleInDescribe}; acknowledged {Acknowledged}, failed {Failed}, sum of latest offsets {LatestOffsetSum}");
        if (SiloBefore is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; silo working set {Mb(SiloBefore.WorkingSetBytes)}");
            foreach (var step in Steps)
            {
                if (step.SiloAfter is { } after)
                {
                    text.Append(CultureInfo.InvariantCulture, $" -> {Mb(after.WorkingSetBytes)} after {step.Name}");
                }
            }

            text.Append(CultureInfo.InvariantCulture, $"; activations {SiloBefore.Activations}");
            if (Steps.Count > 0 && Steps[^1].SiloAfter is { } last)
            {
                text.Append(CultureInfo.InvariantCulture, $" -> {last.Activations}");
            }
        }

        return text.ToString();
    }

    private static string Mb(long bytes) => bytes < 0 ? "?" : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:F0} MB");
}
