namespace TimeBank.Runtime.Internal;

/// <summary>A call waiting for its turn on an activation.</summary>
internal interface IWorkItem
{
    /// <summary>Runs the call on the grain and completes the caller's task. Never throws.</summary>
    Task ExecuteAsync(Grain grain);

    /// <summary>The activation went away before this call started: send it to a fresh activation.</summary>
    void Redirect(GrainHost host, GrainReference target);

    /// <summary>The call cannot run (activation failed): give the caller the error.</summary>
    void Fail(Exception error);
}
