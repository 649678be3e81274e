namespace TimeBank.Runtime.Internal;

/// <summary>A queued call. It is its caller's completion source too, so queueing costs two objects (this and its task), not three.</summary>
internal sealed class CallWorkItem<TGrain, TArg, TResult>(Func<TGrain, TArg, Task<TResult>> method, TArg arg)
    : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously), IWorkItem
    where TGrain : class
{
    public async Task ExecuteAsync(Grain grain)
    {
        try
        {
            SetResult(await method((TGrain)(object)grain, arg).ConfigureAwait(false));
        }
        catch (Exception e)
        {
            SetException(e);
        }
    }

    public void Redirect(GrainHost host, GrainReference target)
    {
        host.InvokeAsync(target, method, arg).ContinueWith(
            static (task, state) =>
            {
                var self = (CallWorkItem<TGrain, TArg, TResult>)state!;
                if (task.IsCompletedSuccessfully)
                {
                    self.SetResult(task.Result);
                }
                else if (task.IsCanceled)
                {
                    self.SetCanceled();
                }
                else
                {
                    self.SetException(task.Exception!.InnerExceptions);
                }
            },
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public void Fail(Exception error) => TrySetException(error);
}
