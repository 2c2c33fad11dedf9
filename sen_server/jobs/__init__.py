"""Work the server does on its own: periodic jobs and outbox deliveries, started and stopped
with the app's lifespan and audited under the system principal."""
