using TimeBank.Contracts.V1;
using TimeBank.Grains;
using TimeBank.Rpc;
using TimeBank.Server.Api.Internal;
using TimeBank.Storage;

namespace TimeBank.Server.Api;

/// <summary><c>LedgerService.VerifyJournal</c>: streams <see cref="JournalVerifier"/>'s progress. Scope is the
/// policy's (the request's community); an empty community is every community's books.</summary>
internal sealed class LedgerVerification(IGrainStorage storage)
{
    public async Task VerifyAsync(VerifyJournalRequest request, IServerStreamWriter<VerifyJournalProgress> writer, CallInfo call)
    {
        var community = string.IsNullOrEmpty(request.CommunityId) ? null : request.CommunityId;
        if (community is not null && !Identifiers.IsValidId(community))
        {
            throw FailureMapping.ToRpc(ErrorReasons.InvalidCommunityId, ("value", community));
        }

        await foreach (var progress in new JournalVerifier(storage).VerifyAsync(community: community, cancellationToken: call.Context.CancellationToken))
        {
            var message = new VerifyJournalProgress
            {
                RowsChecked = progress.RowsChecked,
                ChainsChecked = progress.ChainsChecked,
                Done = progress.Done,
                Intact = progress.Done && progress.FirstBroken is null,
            };
            if (progress.FirstBroken is { } broken)
            {
                message.FirstBroken = new BrokenJournalRow { GrainId = broken.GrainId, Sequence = broken.Sequence, Problem = broken.Problem };
            }

            await writer.WriteAsync(message);
        }
    }
}
