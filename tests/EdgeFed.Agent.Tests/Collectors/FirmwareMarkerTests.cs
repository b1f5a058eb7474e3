using System.Text.Json;
using EdgeFed.Agent.Collectors.Families;
using Xunit;

namespace EdgeFed.Agent.Tests.Collectors;

/// <summary>The markers found in replies' JSON read in pooled buffers are those found in their text as strings.</summary>
public sealed class FirmwareMarkerTests
{
    [Fact]
    public void ElementsAndTheirText_FindTheSameMarker_OverEveryRealReplyAndItsSections()
    {
        var elements = RealReplies.SupportedFamilyFiles().Select(RealReplies.Json)
            .SelectMany(root => root.ValueKind == JsonValueKind.Object
                ? root.EnumerateObject().Select(p => p.Value).Prepend(root)
                : [root])
            .ToList();
        var found = 0;
        for (var i = 0; i < elements.Count; i++)
        {
            var (first, second) = (elements[i], elements[(i * 7 + 3) % elements.Count]);
            var expected = FirmwareMarkers.Find(first.GetRawText(), second.GetRawText());
            Assert.Equal(expected, FirmwareMarkers.Find(first, second));
            Assert.Equal(FirmwareMarkers.Find(first.GetRawText()), FirmwareMarkers.Find(first, default));
            found += expected is null ? 0 : 1;
        }

        Assert.True(found > 50, $"only {found} pairs had a marker");
        Assert.Null(FirmwareMarkers.Find(default(JsonElement), default(JsonElement)));
    }
}
