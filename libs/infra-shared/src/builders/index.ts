/** Pure builders (seed section 8): IAM policies, security group rules, ASL and user-data templates. */
export * from './asl-template-loader.js';
export * from './assume-role-policy-builder.js';
export * from './policy-builder.js';
export * from './policy-document.js';
export * from './resource-policy.js';
export * from './security-rule-builder.js';
export * from './shell-template.js';
