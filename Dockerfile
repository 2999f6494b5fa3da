# syntax=docker/dockerfile:1
# Loan engine image: one image for both the HTTP api (default) and the Temporal worker
# (`docker run IMAGE npm run worker`). The npm scripts run the TypeScript sources with tsx;
# the build stage type-checks them with `npm run build`, so an image never holds code that
# does not compile, and its dist/ output is kept in the image too.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- all dependencies (dev included), for the build --------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
# npm install, not npm ci: the lock is written on a registry mirror that lacks some other-platform
# optional packages, which npm ci refuses as "missing from lock file".
RUN npm install --no-audit --no-fund

# --- type-check and compile ---------------------------------------------------------------
FROM deps AS build
COPY . .
RUN npm run build

# --- production dependencies only ---------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV SCARF_ANALYTICS=false
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    PORT=3000 \
    SCARF_ANALYTICS=false \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY . .
# The app may write local state under .data; everything else stays root-owned and read-only.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
