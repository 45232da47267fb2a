export * from './image-tag.js';
