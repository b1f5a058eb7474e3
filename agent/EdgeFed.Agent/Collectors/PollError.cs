using System.Text.Json.Serialization;

namespace EdgeFed.Agent.Collectors;

[JsonConverter(typeof(JsonStringEnumConverter<PollErrorKind>))]
public enum PollErrorKind
{
    ConnectionRefused,
    Timeout,
    ConnectionReset,
    EmptyReply,
    TruncatedReply,
    MalformedReply,

    /// <summary>The firmware answered with an error STATUS (E/F) or a non-success code.</summary>
    ApiError,

    /// <summary>Well-formed, but without the section or fields the command should return.</summary>
    UnexpectedReply,
    UnknownFamily,
}

/// <summary>A typed failure of one request of one poll.</summary>
public sealed record PollError(PollErrorKind Kind, string Command, string Message);

/// <summary>Raised inside the collectors; the poller turns it into a <see cref="PollError"/>, never lets it escape.</summary>
public sealed class PollException(PollErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public PollErrorKind Kind { get; } = kind;
}
