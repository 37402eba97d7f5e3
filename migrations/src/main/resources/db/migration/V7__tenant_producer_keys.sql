-- Issue 11: each tenant's producer key, which its own pipelines sign the job records they produce to Kafka with
-- (HMAC-SHA256, see dev.kiff.core.trust.RecordSignature). Kept as written, not hashed: the workers need the key
-- itself to check a signature. One per tenant; issuing a new one replaces it, and the old one stops working at once.
CREATE TABLE tenant_producer_keys (
    tenant       VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES tenants (id),
    producer_key VARCHAR(160) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
