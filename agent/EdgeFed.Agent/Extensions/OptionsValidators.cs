using EdgeFed.Agent.Aggregation;
using EdgeFed.Agent.Collectors;
using EdgeFed.Agent.Collectors.Node;
using EdgeFed.Agent.Inference;
using EdgeFed.Agent.Outbox;
using Microsoft.Extensions.Options;

namespace EdgeFed.Agent.Extensions;

// The options' DataAnnotations checked by generated code instead of reflection, so the agent compiles ahead of time
// (the board bundle is Native AOT) and the build that tests run checks exactly what the bundle checks.

[OptionsValidator]
internal sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;

[OptionsValidator]
internal sealed partial class NodeWatchOptionsValidator : IValidateOptions<NodeWatchOptions>;

[OptionsValidator]
internal sealed partial class PollOptionsValidator : IValidateOptions<PollOptions>;

[OptionsValidator]
internal sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>;

[OptionsValidator]
internal sealed partial class PrivacyOptionsValidator : IValidateOptions<PrivacyOptions>;

[OptionsValidator]
internal sealed partial class OutboxOptionsValidator : IValidateOptions<OutboxOptions>;
