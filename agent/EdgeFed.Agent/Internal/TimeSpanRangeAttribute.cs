using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace EdgeFed.Agent.Internal;

/// <summary>
/// A TimeSpan option between two bounds written as invariant <c>[d.]hh:mm:ss[.fff]</c>. RangeAttribute's
/// <c>typeof(TimeSpan)</c> form converts its bounds through a TypeConverter, which ahead-of-time compilation cannot keep.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan span || (span >= Minimum && span <= Maximum);
}
