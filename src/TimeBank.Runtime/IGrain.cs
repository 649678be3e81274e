namespace TimeBank.Runtime;

/// <summary>Marks a grain interface. Every method returns a <see cref="Task{TResult}"/>.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key (a volunteer id, a store id...).</summary>
public interface IGrainWithStringKey : IGrain;
