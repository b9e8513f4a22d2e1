namespace Replica.Schedules.Tests;
